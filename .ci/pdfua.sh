#!/usr/bin/env bash
# CI (issue #31): the PDFs CI built — the draft sample, a 24-priority draft whose
# panels flow on, and a signed-off pack — checked with `pdfua` (PyPI), the
# machine-checkable part of PDF/UA-1 it implements. Any finding fails. (veraPDF,
# the reference checker, cannot be installed here: see docs/accessibility.md.)
# Usage: .ci/pdfua.sh PDF...
set -euo pipefail
cd "$(dirname "$0")/.."

py=target/ci-py
if [ ! -x "$py/bin/python3" ]; then
  # Debian's python3 makes a venv only with python3-venv installed.
  if ! python3 -m venv "$py" >/dev/null 2>&1; then
    rm -rf "$py"
    if command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    fi
    python3 -m venv "$py"
  fi
fi
[ -x "$py/bin/pdfua" ] || "$py/bin/pip" install -q pdfua
export PYTHONWARNINGS=ignore

echo "== pdfua (PDF/UA-1, the machine-checkable subset it implements)"
for pdf in "$@"; do
  # Exit 0 only without findings (pipefail carries its status); its
  # summary says what it checked.
  echo "$pdf"
  "$py/bin/pdfua" check "$pdf" | grep -E "checked against|result:"
done
