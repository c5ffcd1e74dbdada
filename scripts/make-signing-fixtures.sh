#!/usr/bin/env bash
# Writes the PKCS#12 test fixtures of tests/signatures.rs with OpenSSL, so
# that the tests prove a force's own key files (made by OpenSSL, as a
# certificate authority's often are) load; the tests themselves need only
# the Rust toolchain. Run from the repository's root:
#   scripts/make-signing-fixtures.sh
# The passphrase of every file is "fixture-passphrase".
set -euo pipefail
out=tests/fixtures/signing
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=pass:fixture-passphrase
ext="keyUsage=critical,digitalSignature,nonRepudiation"

# An ECDSA P-256 key, self-signed for 30 years from 2015-01-01 (openssl ca
# sets the start date), CN and title.
cat >"$tmp/ca.cnf" <<CNF
[ca]
default_ca = ca_default
[ca_default]
dir = $tmp
database = $tmp/index.txt
new_certs_dir = $tmp
serial = $tmp/serial
default_md = sha256
policy = policy_any
copy_extensions = none
unique_subject = no
[policy_any]
commonName = supplied
title = optional
[leaf]
keyUsage = critical,digitalSignature,nonRepudiation
basicConstraints = CA:false
[authority]
keyUsage = critical,keyCertSign,cRLSign
basicConstraints = critical,CA:true
subjectKeyIdentifier = hash
CNF
: >"$tmp/index.txt"
echo 1000 >"$tmp/serial"

selfsigned() { # name key subject ext-section
  openssl req -new -key "$tmp/$2.key" -subj "$3" -out "$tmp/$1.csr"
  openssl ca -batch -config "$tmp/ca.cnf" -selfsign -keyfile "$tmp/$2.key" \
    -in "$tmp/$1.csr" -out "$tmp/$1.pem" -extensions "$4" \
    -startdate 20150101000000Z -enddate 20450101000000Z -notext 2>/dev/null
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ec.key"
selfsigned ec ec "/CN=Olive Openssl/title=Board Chair" leaf
# OpenSSL 3's default: PBES2 (PBKDF2, AES-256-CBC), HMAC-SHA-256 MAC.
openssl pkcs12 -export -inkey "$tmp/ec.key" -in "$tmp/ec.pem" -passout "$pass" \
  -out "$out/openssl-ec-aes.p12"
# Legacy: 3DES (pbeWithSHA1And3-KeyTripleDES-CBC) and a SHA-1 MAC.
openssl pkcs12 -export -inkey "$tmp/ec.key" -in "$tmp/ec.pem" -passout "$pass" \
  -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 \
  -out "$out/openssl-ec-3des.p12"
# Certificates only: no private key.
openssl pkcs12 -export -nokeys -in "$tmp/ec.pem" -passout "$pass" \
  -out "$out/openssl-no-key.p12"
cp "$tmp/ec.pem" "$out/openssl-ec.pem"

# RSA-3072, self-signed.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$tmp/rsa.key"
selfsigned rsa rsa "/CN=Rhea Rsa/title=Board Secretary" leaf
openssl pkcs12 -export -inkey "$tmp/rsa.key" -in "$tmp/rsa.pem" -passout "$pass" \
  -out "$out/openssl-rsa-aes.p12"
cp "$tmp/rsa.pem" "$out/openssl-rsa.pem"

# A certificate authority and a signer it issued (the trust list may hold
# the authority alone).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/authority.key"
selfsigned authority authority "/CN=Constabulary Signing CA" authority
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/issued.key"
openssl req -new -key "$tmp/issued.key" -subj "/CN=Ivy Issued/title=Board Secretary" -out "$tmp/issued.csr"
openssl ca -batch -config "$tmp/ca.cnf" -cert "$tmp/authority.pem" -keyfile "$tmp/authority.key" \
  -in "$tmp/issued.csr" -out "$tmp/issued.pem" -extensions leaf \
  -startdate 20150101000000Z -enddate 20450101000000Z -notext 2>/dev/null
openssl pkcs12 -export -inkey "$tmp/issued.key" -in "$tmp/issued.pem" -certfile "$tmp/authority.pem" \
  -passout "$pass" -out "$out/openssl-issued.p12"
cp "$tmp/authority.pem" "$out/openssl-authority.pem"

# A signer whose key usage allows only key encipherment.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/wrong.key"
cat >>"$tmp/ca.cnf" <<CNF
[wrong_usage]
keyUsage = critical,keyEncipherment
CNF
selfsigned wrong wrong "/CN=Wendy Wrong/title=Board Secretary" wrong_usage
openssl pkcs12 -export -inkey "$tmp/wrong.key" -in "$tmp/wrong.pem" -passout "$pass" \
  -out "$out/openssl-wrong-usage.p12"

# A signer's own (self-signed, not a CA) certificate and one "issued" with
# its key: a trust list entry for the first must not admit the second
# (openssl x509 -req -CA sec.pem -CAkey sec.key makes such a forgery).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/own.key"
selfsigned own own "/CN=Alex Morgan/title=Board Secretary" leaf
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/forged.key"
openssl req -new -key "$tmp/forged.key" -subj "/CN=Pat Jones/title=Chair" -out "$tmp/forged.csr"
openssl ca -batch -config "$tmp/ca.cnf" -cert "$tmp/own.pem" -keyfile "$tmp/own.key" \
  -in "$tmp/forged.csr" -out "$tmp/forged.pem" -extensions leaf \
  -startdate 20150101000000Z -enddate 20450101000000Z -notext 2>/dev/null
openssl pkcs12 -export -inkey "$tmp/forged.key" -in "$tmp/forged.pem" -certfile "$tmp/own.pem" \
  -passout "$pass" -out "$out/openssl-forged-by-leaf.p12"
cp "$tmp/own.pem" "$out/openssl-own-leaf.pem"

# A chain: a root authority, an intermediate authority it issued, and a
# signer the intermediate issued (the .p12 carries the intermediate); and a
# signer issued by an authority whose own certificate expired in 2015.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/root.key"
selfsigned root root "/CN=Force Root CA" authority
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/mid.key"
openssl req -new -key "$tmp/mid.key" -subj "/CN=Force Signing CA" -out "$tmp/mid.csr"
openssl ca -batch -config "$tmp/ca.cnf" -cert "$tmp/root.pem" -keyfile "$tmp/root.key" \
  -in "$tmp/mid.csr" -out "$tmp/mid.pem" -extensions authority \
  -startdate 20150101000000Z -enddate 20450101000000Z -notext 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/leaf.key"
openssl req -new -key "$tmp/leaf.key" -subj "/CN=Lee Leaf/title=Board Secretary" -out "$tmp/leaf.csr"
openssl ca -batch -config "$tmp/ca.cnf" -cert "$tmp/mid.pem" -keyfile "$tmp/mid.key" \
  -in "$tmp/leaf.csr" -out "$tmp/leaf.pem" -extensions leaf \
  -startdate 20150101000000Z -enddate 20450101000000Z -notext 2>/dev/null
openssl pkcs12 -export -inkey "$tmp/leaf.key" -in "$tmp/leaf.pem" -certfile "$tmp/mid.pem" \
  -passout "$pass" -out "$out/openssl-via-intermediate.p12"
cp "$tmp/root.pem" "$out/openssl-root.pem"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/gone.key"
openssl req -new -key "$tmp/gone.key" -subj "/CN=Expired Signing CA" -out "$tmp/gone.csr"
openssl ca -batch -config "$tmp/ca.cnf" -selfsign -keyfile "$tmp/gone.key" \
  -in "$tmp/gone.csr" -out "$tmp/gone.pem" -extensions authority \
  -startdate 20140101000000Z -enddate 20150601000000Z -notext 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/late.key"
openssl req -new -key "$tmp/late.key" -subj "/CN=Lara Late/title=Board Secretary" -out "$tmp/late.csr"
openssl ca -batch -config "$tmp/ca.cnf" -cert "$tmp/gone.pem" -keyfile "$tmp/gone.key" \
  -in "$tmp/late.csr" -out "$tmp/late.pem" -extensions leaf \
  -startdate 20150101000000Z -enddate 20450101000000Z -notext 2>/dev/null
openssl pkcs12 -export -inkey "$tmp/late.key" -in "$tmp/late.pem" -certfile "$tmp/gone.pem" \
  -passout "$pass" -out "$out/openssl-by-expired-authority.p12"
cp "$tmp/gone.pem" "$out/openssl-expired-authority.pem"

# A certificate made with the key of a signer the authority issued (not a
# CA): the authority on the trust list must not admit it through that signer.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/under.key"
openssl req -new -key "$tmp/under.key" -subj "/CN=Pat Jones/title=Chair" -out "$tmp/under.csr"
openssl ca -batch -config "$tmp/ca.cnf" -cert "$tmp/issued.pem" -keyfile "$tmp/issued.key" \
  -in "$tmp/under.csr" -out "$tmp/under.pem" -extensions leaf \
  -startdate 20150101000000Z -enddate 20450101000000Z -notext 2>/dev/null
cat "$tmp/issued.pem" "$tmp/authority.pem" >"$tmp/under-chain.pem"
openssl pkcs12 -export -inkey "$tmp/under.key" -in "$tmp/under.pem" -certfile "$tmp/under-chain.pem" \
  -passout "$pass" -out "$out/openssl-forged-under-authority.p12"

ls -l "$out"
