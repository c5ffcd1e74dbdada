#!/bin/sh
# Regenerates tests/fixtures/dashboard-2015-12.ods: the committed sample
# workbook saved as an OpenDocument spreadsheet by LibreOffice, as a force
# keeping its workbook in LibreOffice or exporting from Google Sheets would
# have it. Needs LibreOffice (Debian: apt-get install libreoffice-calc-nogui);
# the tests only read the committed file. Run again when the sample changes
# (tests/workbook_v2.rs checks that the .ods gives the sample's records).
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
soffice --headless -env:UserInstallation="file://$tmp/profile" \
    --convert-to ods --outdir "$tmp" inputs/dashboard-2015-12.xlsx >/dev/null
mv "$tmp/dashboard-2015-12.ods" tests/fixtures/dashboard-2015-12.ods
echo "wrote tests/fixtures/dashboard-2015-12.ods"
