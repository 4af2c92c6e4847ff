#!/bin/sh
# Verify a sealreg release with openssl alone (and POSIX find, sort, sed, grep, cut, tail, cmp).
#
#   sh verify-release.sh RELEASE_DIR FINGERPRINT
#
# FINGERPRINT is the registry's published key fingerprint (sha256 of the raw Ed25519 public key, hex).
# Exit 0 and "OK" when: the signer is the pinned key (or a key a trusted key introduced by a rotation
# statement in trust/key-rotations/), manifest.sig verifies over manifest.json, SHA256SUMS is the
# one the manifest lists, every file has its listed sha256, and nothing else is in the folder.
# Needs OpenSSL 3 (pkeyutl -rawin for Ed25519).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 RELEASE_DIR FINGERPRINT" >&2; exit 2; }
cd "$1"
pin=$(printf '%s' "$2" | tr 'ABCDEF' 'abcdef')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
fingerprint() { openssl pkey -pubin -in "$1" -outform DER | tail -c 32 | openssl dgst -sha256 -r | cut -d' ' -f1; }
signed_by() {  # PUBLIC_KEY_PEM DATA_FILE BASE64_SIGNATURE_FILE
    openssl base64 -d -A -in "$3" -out "$tmp/sig" &&
        openssl pkeyutl -verify -pubin -inkey "$1" -rawin -in "$2" -sigfile "$tmp/sig" >/dev/null 2>&1
}

# 1. Who signed: the pinned key, or a key introduced by a statement that a trusted key signed.
trusted=" $pin "
for st in trust/key-rotations/*/; do
    [ -d "$st" ] || continue
    old=$(fingerprint "${st}old_public_key.pem")
    new=$(fingerprint "${st}new_public_key.pem")
    case "$trusted" in *" $old "*) ;; *) continue ;; esac
    grep -q "\"old_public_key_sha256\": \"$old\"" "${st}statement.json" &&
        grep -q "\"new_public_key_sha256\": \"$new\"" "${st}statement.json" ||
        fail "${st}statement.json does not name the enclosed keys"
    signed_by "${st}old_public_key.pem" "${st}statement.json" "${st}statement.sig.old" ||
        fail "${st}statement.sig.old: not signed by the old key"
    signed_by "${st}new_public_key.pem" "${st}statement.json" "${st}statement.sig.new" ||
        fail "${st}statement.sig.new: not signed by the new key"
    trusted="$trusted$new "
done
signer=$(fingerprint public_key.pem)
case "$trusted" in *" $signer "*) ;; *) fail "signed by key $signer, not the pinned key $pin" ;; esac

# 2. The manifest is what that key signed.
signed_by public_key.pem manifest.json manifest.sig || fail "manifest.sig does not verify over manifest.json"

# 3. SHA256SUMS is the listing the manifest names, and every file matches it.
sums=$(openssl dgst -sha256 -r SHA256SUMS | cut -d' ' -f1)
# (compact manifests, and the indented layout of releases built before 2026-12-02)
{ grep -q "\"SHA256SUMS\":{\"sha256\":\"$sums\"" manifest.json ||
    grep -A1 '^    "SHA256SUMS": {' manifest.json | grep -q "\"sha256\": \"$sums\""; } ||
    fail "SHA256SUMS is not the one listed in manifest.json"
while read -r sum path; do
    [ -f "$path" ] || fail "$path: missing"
    [ "$(openssl dgst -sha256 -r "$path" | cut -d' ' -f1)" = "$sum" ] || fail "$path: altered"
done < SHA256SUMS

# 4. Nothing else: no unlisted file, link or empty directory.
find . \( -type f -o -type l \) | sed 's|^\./||' | grep -v -x -e manifest.json -e manifest.sig \
    -e public_key.pem -e SHA256SUMS | sort > "$tmp/present"
cut -c67- SHA256SUMS | sort > "$tmp/listed"
cmp -s "$tmp/present" "$tmp/listed" || fail "files present differ from SHA256SUMS"
[ -z "$(find . -type d -empty)" ] || fail "unlisted empty directory: $(find . -type d -empty | head -1)"
echo "OK: signed by $signer, every file matches"
