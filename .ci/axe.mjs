// Runs axe-core in headless Chromium on each HTML file given, and fails
// (exit 1) on any violation. Needs the npm packages axe-core and
// playwright-core (installed by .ci/run) and Debian's chromium.
//
//   node .ci/axe.mjs out/a.html [out/b.html …]  [--screenshots DIR]
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { resolve, basename } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(resolve(process.env.AXE_NODE_MODULES ?? process.cwd(), "package.json"));
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const args = process.argv.slice(2);
const shotsAt = args.indexOf("--screenshots");
const shots = shotsAt >= 0 ? args.splice(shotsAt, 2)[1] : null;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
let failed = 0;
for (const file of args) {
  for (const [name, width] of [["desktop", 1280], ["phone", 390]]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(pathToFileURL(resolve(file)).href);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () =>
      await window.axe.run(document, { resultTypes: ["violations"] }));
    const v = result.violations;
    console.log(`${file} (${name}, ${width}px): ${v.length} axe violations`);
    for (const x of v) {
      console.log(`  ${x.id} (${x.impact}): ${x.help}`);
      for (const n of x.nodes.slice(0, 5)) console.log(`    ${n.target.join(" ")}`);
    }
    failed += v.length;
    if (shots) {
      await page.screenshot({ path: `${shots}/${basename(file, ".html")}-${name}.png`, fullPage: false });
    }
    await page.close();
  }
}
await browser.close();
process.exit(failed > 0 ? 1 : 0);
