#!/usr/bin/env bash
# Rebuild assets/plotly-atm-<version>.min.js: plotly.js's basic bundle (scatter, bar, pie) plus
# the geo traces of the district map (choropleth, scattergeo), minified with esbuild.
# Needs node and npm (the npm registry). Usage: scripts/build_plotly_bundle.sh [VERSION]
# VERSION must be the plotly.js version of the installed plotly package
# (python -c "from plotly.offline import get_plotlyjs_version as v; print(v())"); then set
# PLOTLY_BASIC in dashboard/speed.py (tests/unit/test_plotly_bundle.py checks both).
set -euo pipefail
VERSION="${1:-4.1.1}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp "$HERE/plotly-bundle/entry.js" "$HERE/plotly-bundle/build.js" "$WORK/"
sed -i "s/v4\.1\.1/v$VERSION/; s/plotly\.js@4\.1\.1/plotly.js@$VERSION/" "$WORK/build.js"
cd "$WORK"
echo '{"name":"plotly-atm","version":"1.0.0","private":true}' > package.json
npm install --no-audit --no-fund "plotly.js@$VERSION" esbuild@0.28.2 >/dev/null
node build.js
cp out/plotly-atm.min.js "$HERE/../assets/plotly-atm-$VERSION.min.js"
echo "assets/plotly-atm-$VERSION.min.js: $(wc -c < out/plotly-atm.min.js) B"
