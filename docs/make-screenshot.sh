#!/usr/bin/env bash
# Renders the default run's report.html in headless Chromium into docs/report-screenshot.png
# (the picture in the README). Run from the repository after building.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
swift run -c release nordwaerts run --out "$out/run" --quiet
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --proxy-server=127.0.0.1:9 \
  --window-size=1200,1700 --screenshot=docs/report-screenshot.png "file://$out/run/report.html" 2>/dev/null
rm -rf "$out"
echo "docs/report-screenshot.png"
