#!/usr/bin/env bash
# The HTML companion against the W3C Nu HTML Checker (0 errors, 0 warnings);
# alone (no pages given), also axe-core at 1280, 390 and 320 px and in print
# media (.ci/axe.mjs, which .ci/run runs on its own pages). Installs Debian's
# default-jre-headless and the npm packages vnu-jar, axe-core and
# playwright-core (into target/ci-node). Run from .ci/run, or alone:
#   .ci/html-checks.sh [PAGE.html …]   (no pages: builds the sample's)
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/ci/html-checks
mkdir -p "$out"
if ! command -v java >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi
node_dir=target/ci-node
mkdir -p "$node_dir"
( cd "$node_dir" && { [ -f package.json ] || npm init -y >/dev/null; } )
( cd "$node_dir" && npm install --no-audit --no-fund --silent vnu-jar@24 axe-core@4 playwright-core@1 >/dev/null )

pages=("$@")
own=0
if [ ${#pages[@]} -eq 0 ]; then
  own=1
  cargo run -q -- build -o "$out/sample.pdf" --html "$out/sample.html" 2>/dev/null
  pages=("$out/sample.html")
fi

echo "== the Nu HTML Checker"
vnu=$(node -e "console.log(require(require('path').resolve('$node_dir/node_modules/vnu-jar')))")
# --Werror: a warning fails too; --also-check-svg: the inline charts.
java -jar "$vnu" --Werror --also-check-svg "${pages[@]}"
echo "Nu HTML Checker: 0 errors, 0 warnings on ${#pages[@]} page(s)"

# .ci/run runs axe.mjs on its pages itself; alone, this runs it too.
if [ "$own" = 1 ]; then
  echo "== axe-core at 1280, 390 and 320 px and in print"
  AXE_NODE_MODULES="$node_dir" node .ci/axe.mjs "${pages[@]}" --screenshots "$out"
fi
