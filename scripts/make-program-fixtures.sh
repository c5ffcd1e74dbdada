#!/bin/sh
# Regenerates tests/fixtures/programs/: workbooks as LibreOffice Calc and
# Gnumeric save them (issue #27). Each case starts from the committed
# sample, inputs/dashboard-2015-12.xlsx, edited here (python3, standard
# library only) the way an analyst would edit it in a program, and is then
# opened and saved by the programs themselves:
#   <case>.lo.xlsx, <case>.lo.ods   soffice --headless --convert-to
#   <case>.gn.xlsx, <case>.gn.ods   ssconvert
#   password.lo.ods, sample.lo.xls, sample.lo.xlsm, sample.gn.xls
#                                   scripts/lo-save-as.py, ssconvert
# Cases:
#   sample          the sample as it is (round trips)
#   styled-empty    Monthly's header row coloured out to column HZ, Report's
#                   header row formatted whole: formatting, not data
#   empty-formula   =IF(1=0,"x","") in Priorities!E2 and Indicators!H2: a
#                   formula whose result is an empty string is an empty cell
#   error-cells     Monthly!C2 =1/0 and Monthly!C3 =NA(): errors naming them
#   text-breaks     a tab and a line break (Alt+Enter) in Indicators!C2
#   far-value       a stray value at Monthly!GR1048576: a located error
#   date-in-text    a note typed Dec-15 that became the date 2026-12-15, in
#                   Indicators!H2 (a text column)
# Needs LibreOffice and Gnumeric (Debian: apt-get install
# libreoffice-calc-nogui python3-uno gnumeric); the tests only read the committed files
# (tests/program_saved.rs). Run again when the sample changes.
set -eu
cd "$(dirname "$0")/.."
out=tests/fixtures/programs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
python3 - "$tmp" <<'PY'
import re, sys, zipfile
tmp = sys.argv[1]
src = zipfile.ZipFile("inputs/dashboard-2015-12.xlsx")

def col(n):
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s

def write(case, edits):
    with zipfile.ZipFile(f"{tmp}/{case}.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            data = src.read(name).decode()
            for part, edit in edits:
                if name == part:
                    data = edit(data)
            z.writestr(name, data)

def cell(ref, inner, extra=""):
    return lambda x: re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', f'<c r="{ref}"{extra}>{inner}</c>', x, count=1) \
        if f'<c r="{ref}"' in x else add(x, ref, f'<c r="{ref}"{extra}>{inner}</c>')

def add(x, ref, c):
    row = re.sub(r"[A-Z]+", "", ref)
    m = re.search(rf'<row r="{row}"[^>]*>.*?</row>', x)
    return x[:m.end() - 6] + c + x[m.end() - 6:]

styled = "".join(f'<c r="{col(i)}1" s="1"/>' for i in range(4, 234))
write("sample", [])
write("styled-empty", [
    ("xl/worksheets/sheet4.xml", lambda x: x.replace('</c></row>', '</c>' + styled + '</row>', 1)),
    ("xl/worksheets/sheet1.xml", lambda x: x.replace('<row r="1" spans="1:2"', '<row r="1" spans="1:2" s="1" customFormat="1"', 1)),
])
write("empty-formula", [
    ("xl/worksheets/sheet2.xml", cell("E2", '<f>IF(1=0,"x","")</f>', ' t="str"')),
    ("xl/worksheets/sheet3.xml", cell("H2", '<f>IF(1=0,"x","")</f>', ' t="str"')),
])
write("text-breaks", [
    ("xl/sharedStrings.xml", lambda x: x.replace(
        "<t>Reduction in the number of 10-17",
        '<t xml:space="preserve">Reduction\tin the\nnumber of 10-17', 1)),
])
write("date-in-text", [
    ("xl/worksheets/sheet3.xml", cell("H2", "<v>46371</v>", ' s="2"')),
])
write("far-value", [
    ("xl/worksheets/sheet4.xml", lambda x: x.replace(
        "</sheetData>", '<row r="1048576"><c r="GR1048576"><v>1</v></c></row></sheetData>', 1)),
])
write("error-cells", [
    ("xl/worksheets/sheet4.xml", lambda x: cell("C3", "<f>NA()</f>")(cell("C2", "<f>1/0</f>")(x))),
])
PY
for f in "$tmp"/*.xlsx; do
    case=$(basename "$f" .xlsx)
    for to in xlsx ods; do
        mkdir -p "$tmp/lo-$to"
        soffice --headless -env:UserInstallation="file://$tmp/profile" \
            --convert-to "$to" --outdir "$tmp/lo-$to" "$f" >/dev/null 2>&1
        mv "$tmp/lo-$to/$case.$to" "$out/$case.lo.$to"
        ssconvert "$f" "$out/$case.gn.$to" >/dev/null 2>&1
    done
done
# Saved as LibreOffice only saves through its UNO bridge: with a password
# (.ods), as .xls and as .xlsm; and Gnumeric's .xls.
/usr/bin/python3 scripts/lo-save-as.py inputs/dashboard-2015-12.xlsx "$out" "$tmp/uno-profile"
ssconvert inputs/dashboard-2015-12.xlsx "$out/sample.gn.xls" >/dev/null 2>&1
ls -l "$out"
