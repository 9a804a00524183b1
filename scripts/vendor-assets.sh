#!/usr/bin/env bash
# Vendor the front-end assets from the npm registry so nothing is fetched
# from a CDN at runtime. Re-runnable; run from the repo root:
#
#   scripts/vendor-assets.sh
#
# Everything is installed into a throw-away temporary directory; no
# node_modules is ever created inside the repo.
#
# Outputs:
#   assets/static/vendor/govuk-frontend/govuk-frontend.min.css  (compiled, system font, no crown/crest, no fonts)
#   assets/static/vendor/govuk-frontend/govuk-frontend.min.js   (ES module)
#   assets/static/vendor/govuk-frontend/LICENSE.txt
#   assets/static/vendor/echarts/echarts.min.js, LICENSE.txt, NOTICE.txt
#   assets/static/vendor/VERSIONS.txt
#   cmd/resilience/testdata/axe.min.js, AXE-LICENSE.txt          (browser tests only)
set -euo pipefail

SASS_VERSION=1.108.2
GOVUK_VERSION=6.6.0
ECHARTS_VERSION=5.6.0
AXE_VERSION=4.14.1

die() { echo "vendor-assets: $*" >&2; exit 1; }

REPO_ROOT=$(pwd)
[[ -f "$REPO_ROOT/go.mod" ]] && grep -q '^module github.com/resilience-dashboard/resilience' "$REPO_ROOT/go.mod" \
  || die "run this from the repo root (where go.mod is)"
command -v npm >/dev/null || die "npm not found"
command -v npx >/dev/null || die "npx not found"

VENDOR="$REPO_ROOT/assets/static/vendor"
GOVUK_OUT="$VENDOR/govuk-frontend"
ECHARTS_OUT="$VENDOR/echarts"
TESTDATA="$REPO_ROOT/cmd/resilience/testdata"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vendor-assets.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
echo '{"name":"vendor-assets-tmp","private":true}' > package.json
echo "vendor-assets: installing packages in $WORK"
npm install --no-audit --no-fund --save-exact \
  "sass@$SASS_VERSION" \
  "govuk-frontend@$GOVUK_VERSION" \
  "echarts@$ECHARTS_VERSION" \
  "axe-core@$AXE_VERSION"

NM="$WORK/node_modules"
installed_version() { node -p "require('$NM/$1/package.json').version"; }
for p in "sass:$SASS_VERSION" "govuk-frontend:$GOVUK_VERSION" "echarts:$ECHARTS_VERSION" "axe-core:$AXE_VERSION"; do
  got=$(installed_version "${p%%:*}")
  [[ "$got" == "${p#*:}" ]] || die "${p%%:*}: wanted ${p#*:}, got $got"
done

# --- GOV.UK Frontend CSS -----------------------------------------------------
# System font instead of GDS Transport (so no @font-face / font files), and a
# relative assets path so any remaining url() resolves inside
# /static/vendor/govuk-frontend/ rather than the site root.
cat > app.scss <<'SCSS'
@use "govuk-frontend/dist/govuk" as * with ($govuk-font-family: (arial, sans-serif), $govuk-assets-path: "./assets/");
SCSS
npx --no-install sass --load-path=node_modules --style=compressed --quiet-deps --no-source-map app.scss out.css

# Safety checks on the compiled CSS.
if grep -qi 'GDS Transport' out.css; then die "compiled CSS still mentions GDS Transport"; fi
if grep -qi '@font-face' out.css; then die "compiled CSS contains @font-face"; fi
if grep -Eqi 'url\([^)]*\.(woff2?|ttf|otf|eot)' out.css; then die "compiled CSS references font files"; fi
if grep -Eqi 'url\(["'\'']?(https?:)?//' out.css; then die "compiled CSS references an absolute/remote URL"; fi
if grep -Eqi 'url\(["'\'']?/' out.css; then die "compiled CSS references a root-absolute URL"; fi
# Only image expected: the royal crest used by .govuk-footer__copyright-logo.
# It is deliberately NOT vendored (no crown/crest artwork); that reference is
# inert unless the footer copyright-logo class is used (then the ::before mask
# fails to load and renders nothing).
others=$(grep -Eo 'url\([^)]*\)' out.css | grep -v 'govuk-crest\.svg' | sort -u || true)
[[ -z "$others" ]] || die "unexpected url() references in compiled CSS: $others"

mkdir -p "$GOVUK_OUT" "$ECHARTS_OUT" "$TESTDATA"
# Remove anything left from a previous run (e.g. asset folders) before copying.
rm -rf "$GOVUK_OUT/assets"
cp out.css "$GOVUK_OUT/govuk-frontend.min.css"

# --- GOV.UK Frontend JS (ES module) -------------------------------------------
# The .map is not vendored, so drop the trailing sourceMappingURL comment to
# avoid a devtools 404.
sed -e 's|//# sourceMappingURL=[^ ]*$||' "$NM/govuk-frontend/dist/govuk/govuk-frontend.min.js" \
  > "$GOVUK_OUT/govuk-frontend.min.js"

# govuk-frontend's npm package (v6) ships no LICENSE file; it is MIT per
# package.json. Use the package's own file if present, else the upstream text.
lic=$(find "$NM/govuk-frontend" -maxdepth 1 -iname 'LICEN[CS]E*' | head -n1 || true)
if [[ -n "$lic" ]]; then
  cp "$lic" "$GOVUK_OUT/LICENSE.txt"
else
  [[ "$(node -p "require('$NM/govuk-frontend/package.json').license")" == "MIT" ]] \
    || die "govuk-frontend licence is no longer MIT; check before vendoring"
  cat > "$GOVUK_OUT/LICENSE.txt" <<'LICENSE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENSE
fi

# --- ECharts ------------------------------------------------------------------
cp "$NM/echarts/dist/echarts.min.js" "$ECHARTS_OUT/echarts.min.js"
cp "$NM/echarts/LICENSE" "$ECHARTS_OUT/LICENSE.txt"
if [[ -f "$NM/echarts/NOTICE" ]]; then
  cp "$NM/echarts/NOTICE" "$ECHARTS_OUT/NOTICE.txt"
else
  rm -f "$ECHARTS_OUT/NOTICE.txt"
fi

# --- axe-core (browser tests only) --------------------------------------------
cp "$NM/axe-core/axe.min.js" "$TESTDATA/axe.min.js"
cp "$NM/axe-core/LICENSE" "$TESTDATA/AXE-LICENSE.txt"

# --- VERSIONS.txt -------------------------------------------------------------
{
  echo "# Vendored front-end assets. Generated by scripts/vendor-assets.sh; do not edit by hand."
  echo "govuk-frontend $(installed_version govuk-frontend)  (CSS compiled with sass $(installed_version sass), font: arial, sans-serif; JS is an ES module)"
  echo "echarts $(installed_version echarts)"
  echo "axe-core $(installed_version axe-core)  (cmd/resilience/testdata, browser tests only)"
} > "$VENDOR/VERSIONS.txt"

cd "$REPO_ROOT"
echo "vendor-assets: done"
ls -l "$GOVUK_OUT" "$ECHARTS_OUT" "$VENDOR/VERSIONS.txt" "$TESTDATA/axe.min.js" "$TESTDATA/AXE-LICENSE.txt"
