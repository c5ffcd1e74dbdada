#!/usr/bin/env bash
# CI (issue #30): a digitally signed and countersigned pack, validated by two
# independent validators — pyHanko (PyPI: pyhanko, pyhanko-certvalidator and
# its command line pyhanko-cli, in target/ci-py) with the test certificates
# as trust roots, and poppler's pdfsig — and by qpdf --check; the PDF/A and
# PDF/UA identifiers as for an unsigned pack; and a tampered copy refused.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

if ! { command -v pdfsig && command -v qpdf && command -v certutil; } >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils qpdf libnss3-tools >/dev/null
fi
py=target/ci-py
if [ ! -x "$py/bin/pyhanko" ]; then
  . .ci/py-venv.sh
  py_venv "$py"
  "$py/bin/pip" install -q pyhanko pyhanko-certvalidator pyhanko-cli
fi
export PYTHONWARNINGS=ignore

out=target/ci/signatures
[ -d "$out" ] && chmod -R u+w "$out"
rm -rf "$out" && mkdir -p "$out"
export BOARDPACK_PASSPHRASE="ci passphrase $RANDOM$RANDOM"

echo "== keys new: the secretary's key (ECDSA P-256) and the chair's (RSA-3072)"
cargo run -q -- keys new --name "Casey Secretary" --role "Board Secretary" \
  --out "$out/secretary.p12" --valid-from 2016-01-01 --years 20
cargo run -q -- keys new --name "Chris Chair" --role "Chair" --algorithm rsa-3072 \
  --out "$out/chair.p12" --valid-from 2016-01-01 --years 20

echo "== sign-off --key"
pack=$(cargo run -q -- sign-off inputs/dashboard-2015-12.xlsx --key "$out/secretary.p12" \
  --date 2016-01-28 --archive "$out/archive" 2>/dev/null | tail -n 1)
signed="$out/signed.pdf"
cp "$pack" "$signed"
cargo run -q -- verify "$pack" --trust "$out/secretary.pem"

echo "== sign-off --countersign v1 (the chair)"
pack=$(cargo run -q -- sign-off inputs/dashboard-2015-12.xlsx --countersign v1 \
  --key "$out/chair.p12" --date 2016-01-29 --archive "$out/archive" 2>/dev/null | tail -n 1)
cat "$out/secretary.pem" "$out/chair.pem" >"$out/both.pem"
cargo run -q -- verify "$pack" --trust "$out/both.pem"
signatures=2

echo "== qpdf --check, PDF/A and PDF/UA identifiers"
qpdf --check "$pack"
meta=$(pdfinfo -meta "$pack" 2>/dev/null)
grep -q "<pdfaid:part>3</pdfaid:part>" <<<"$meta" || { echo "no PDF/A-3 identifier"; exit 1; }
grep -q "<pdfuaid:part>1</pdfuaid:part>" <<<"$meta" || { echo "no PDF/UA-1 identifier"; exit 1; }

echo "== pyHanko"
trust=(--trust "$out/secretary.pem" --trust "$out/chair.pem")
"$py/bin/pyhanko" sign validate --pretty-print "${trust[@]}" --trust-replace --no-revocation-check \
  "$pack" | tee "$out/pyhanko.txt"
n=$(grep -c "The signature is judged VALID" "$out/pyhanko.txt" || true)
[ "$n" = "$signatures" ] || { echo "pyHanko judged $n of $signatures signatures valid"; exit 1; }
grep -q "The signature is cryptographically sound" "$out/pyhanko.txt"
# The last signature covers the whole file; an earlier one (the secretary's,
# countersigned) covers its revision, followed by modifications pyHanko
# finds permitted.
grep -q "The signature covers the entire file" "$out/pyhanko.txt" \
  || { echo "pyHanko: no signature covers the entire file"; exit 1; }
if grep -qi "tampering\|not permitted\|NOT INTACT\|INVALID" "$out/pyhanko.txt"; then
  echo "pyHanko reports a problem"; exit 1
fi

echo "== pdfsig (poppler)"
pdfsig "$pack" | tee "$out/pdfsig.txt"
n=$(grep -c "Signature Validation: Signature is Valid." "$out/pdfsig.txt" || true)
[ "$n" = "$signatures" ] || { echo "pdfsig called $n of $signatures signatures valid"; exit 1; }
# The last signature covers the whole document; the countersigned one, its
# revision ("Not total document signed").
tail -n 4 "$out/pdfsig.txt" | grep -q "  - Total document signed" \
  || { echo "pdfsig: the last signature does not cover the whole document"; exit 1; }
[ "$(grep -c "  - Total document signed" "$out/pdfsig.txt")" = 1 ] \
  || { echo "pdfsig: more than one signature covers the whole document"; exit 1; }
[ "$(grep -c "  - Not total document signed" "$out/pdfsig.txt")" = $((signatures - 1)) ] \
  || { echo "pdfsig: the countersigned signature does not cover its revision"; exit 1; }
# pdfsig (NSS) takes no self-signed end-entity certificate as a trust
# anchor ("Certificate issuer is unknown" even when it is trusted), so its
# certificate check is shown with a signer a trusted authority issued.
nss="$out/nss"
mkdir -p "$nss"
certutil -N -d "sql:$nss" --empty-password
certutil -A -d "sql:$nss" -n authority -t "CT,C,C" -i tests/fixtures/signing/openssl-authority.pem
issued=$(BOARDPACK_PASSPHRASE=fixture-passphrase cargo run -q -- sign-off inputs/dashboard-2015-12.xlsx \
  --key tests/fixtures/signing/openssl-issued.p12 --date 2016-01-28 --archive "$out/issued" 2>/dev/null | tail -n 1)
pdfsig -nssdir "sql:$nss" "$issued" | tee "$out/pdfsig-issued.txt"
grep -q "Signature Validation: Signature is Valid." "$out/pdfsig-issued.txt"
grep -q "Certificate Validation: Certificate is Trusted." "$out/pdfsig-issued.txt" \
  || { echo "pdfsig does not trust a signer its trusted authority issued"; exit 1; }
"$py/bin/pyhanko" sign validate --pretty-print --trust tests/fixtures/signing/openssl-authority.pem \
  --trust-replace --no-revocation-check "$issued" | grep -q "The signature is judged VALID"
cargo run -q -- verify "$issued" --trust tests/fixtures/signing/openssl-authority.pem

echo "== tampered: a byte of the signed range changed"
tampered="$out/tampered.pdf"
cp "$signed" "$tampered"
chmod u+w "$tampered"
# The signature's /Reason, a hexadecimal string: "Signed off as" is
# 5369676E6564206F6666206173; one hex digit changed changes a signed byte.
offset=$(grep -abo "5369676E6564206F6666206173" "$tampered" | tail -n 1 | cut -d: -f1)
printf '7' | dd of="$tampered" bs=1 seek="$offset" conv=notrunc status=none
if pdfsig "$tampered" | grep -q "Signature is Valid"; then
  echo "pdfsig calls a tampered pack valid"; exit 1
fi
if cargo run -q -- verify "$tampered" 2>"$out/tampered.txt"; then
  echo "verify passed a tampered pack"; exit 1
fi
grep -q "changed after signing" "$out/tampered.txt"
echo "signatures checked: $signatures, valid for pyHanko and pdfsig"
