// Runs axe-core in headless Chromium on each HTML file given, at 1280,
// 390 and 320 px and in print media, and fails (exit 1) on any violation or
// on a page wider than 320 px at 320 px. Needs the npm packages axe-core and
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
// Desktop and phone widths, the narrowest reflow width (WCAG 1.4.10: 320
// CSS px, where the page must not scroll sideways), and print media.
const views = [
  ["desktop", 1280, "screen"], ["phone", 390, "screen"], ["reflow", 320, "screen"],
  ["print", 1280, "print"],
];
for (const file of args) {
  for (const [name, width, media] of views) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.emulateMedia({ media });
    await page.goto(pathToFileURL(resolve(file)).href);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () =>
      await window.axe.run(document, { resultTypes: ["violations"] }));
    const v = result.violations;
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    console.log(`${file} (${name}, ${width}px, ${media}): ${v.length} axe violations; page ${wide}px wide`);
    for (const x of v) {
      console.log(`  ${x.id} (${x.impact}): ${x.help}`);
      for (const n of x.nodes.slice(0, 5)) console.log(`    ${n.target.join(" ")}`);
    }
    failed += v.length;
    if (name === "reflow" && wide > width) {
      console.log(`  the page scrolls sideways at ${width}px: ${wide}px wide (WCAG 1.4.10)`);
      failed += 1;
    }
    if (shots) {
      const stem = `${shots}/${basename(file, ".html")}-${name}`;
      await page.screenshot({ path: `${stem}.png`, fullPage: name === "reflow" });
      if (media === "print") {
        // As a browser prints it: no backgrounds (Chromium's default).
        await page.pdf({ path: `${stem}.pdf`, format: "A4", printBackground: false });
      }
    }
    await page.close();
  }
}
await browser.close();
process.exit(failed > 0 ? 1 : 0);
