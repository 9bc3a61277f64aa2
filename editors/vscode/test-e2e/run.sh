#!/usr/bin/env bash
# End-to-end test: installs the platform package (the .vsix with the server
# inside) into code-server in a fresh profile with no `scholia` on PATH, opens
# the repository's example archive (seeds/) in headless Chromium and checks
# the language mode, the bundled server's diagnostics and a hover.
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

# The platform package with the bundled server, made by ../test.sh.
TARGET="$(node -p 'process.platform + "-" + process.arch')"
VSIX="$(ls -t ../scholia-"$TARGET"-*.vsix 2>/dev/null | head -1 || true)"
if [ -z "$VSIX" ]; then
  echo "no ../scholia-$TARGET-*.vsix: run editors/vscode/test.sh first (it packages it)"
  echo "0 passed, 1 failed"
  exit 1
fi

bash setup.sh
CHROMIUM="$CHROMIUM" node e2e.js "$VSIX"
