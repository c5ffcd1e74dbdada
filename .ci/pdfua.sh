#!/usr/bin/env bash
# CI (issue #31): the PDFs CI built — the draft sample, a 24-priority draft whose
# panels flow on, and a signed-off pack — checked with `pdfua` (PyPI), the
# machine-checkable part of PDF/UA-1 it implements. Any finding fails. (veraPDF,
# the reference checker, cannot be installed here: see docs/accessibility.md.)
# Usage: .ci/pdfua.sh PDF...
set -euo pipefail
cd "$(dirname "$0")/.."

py=target/ci-py
. .ci/py-venv.sh
py_venv "$py"
[ -x "$py/bin/pdfua" ] || "$py/bin/pip" install -q pdfua
export PYTHONWARNINGS=ignore

echo "== pdfua (PDF/UA-1, the machine-checkable subset it implements)"
for pdf in "$@"; do
  # Exit 0 only without findings (pipefail carries its status); its
  # summary says what it checked.
  echo "$pdf"
  "$py/bin/pdfua" check "$pdf" | grep -E "checked against|result:"
done
