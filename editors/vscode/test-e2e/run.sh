#!/usr/bin/env bash
# Optional end-to-end test: installs the packaged extension into code-server,
# opens the repository's example archive (seeds/) in headless Chromium and
# checks the language mode, and, when the scholia binary exists
# (target/release/scholia, or $SCHOLIA_BIN), diagnostics and a hover.
#
# Needs: Debian's chromium (apt-get install -y chromium; or $CHROMIUM), a C++
# compiler, make and Node's headers for code-server's native modules (see
# setup.sh). Exits 77 (skipped) when Chromium is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if ! [ -x "$CHROMIUM" ]; then
  echo "SKIPPED: no Chromium at $CHROMIUM (apt-get install -y chromium)"
  exit 77
fi

VSIX="$(ls -t ../scholia-*.vsix 2>/dev/null | head -1 || true)"
if [ -z "$VSIX" ]; then
  (cd .. && npm run --silent package)
  VSIX="$(ls -t ../scholia-*.vsix | head -1)"
fi

bash setup.sh
CHROMIUM="$CHROMIUM" node e2e.js "$VSIX"
