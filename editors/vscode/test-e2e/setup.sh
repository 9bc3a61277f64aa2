#!/usr/bin/env bash
# Installs code-server 4.96.4 (VS Code 1.96.4 in a browser; the last line that
# runs on Node 20) and playwright-core from the npm registry, with nothing from
# anywhere else. code-server's own postinstall cannot do that here:
#
#   npm error network request to https://codeload.github.com/microsoft/vscode-proxy-agent/tar.gz/0803e0a7...
#   failed, reason: getaddrinfo ENOTFOUND codeload.github.com
#
# because lib/vscode/npm-shrinkwrap.json pins @vscode/proxy-agent 0.27.0 to a
# git commit. The same version is on the registry, so this script installs
# with scripts off (.npmrc), points that one entry at the registry tarball,
# installs lib/vscode's dependencies, and compiles the native modules from
# source with node-gyp (Node's headers, a C++ compiler and make are needed).
# Left out: @vscode/ripgrep's binary (downloaded from GitHub by its
# postinstall; only workspace search needs it) and kerberos (proxy auth).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ -f node_modules/.scholia-e2e-ready ]; then
  exit 0
fi

npm ci --no-audit --no-fund

VSCODE=node_modules/code-server/lib/vscode
node - "$VSCODE/npm-shrinkwrap.json" <<'EOF'
const fs = require("fs");
const file = process.argv[2];
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const entry = lock.packages["node_modules/@vscode/proxy-agent"];
if (entry && /^git/.test(entry.resolved || "")) {
  entry.resolved = `https://registry.npmjs.org/@vscode/proxy-agent/-/proxy-agent-${entry.version}.tgz`;
  delete entry.integrity;
  fs.writeFileSync(file, JSON.stringify(lock, null, 2));
  console.log(`@vscode/proxy-agent ${entry.version}: git -> registry`);
}
EOF

(
  cd "$VSCODE"
  npm install --omit=dev --ignore-scripts --no-audit --no-fund
  npm_config_build_from_source=true npm rebuild --ignore-scripts=false @parcel/watcher @vscode/spdlog native-watchdog node-pty
  (cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund)
  # What code-server's postinstall.sh does after installing.
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sfn code-linux.sh code-server)
  (cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
)
# code-server's password hashing (argon2): built from source, not downloaded.
npm_config_build_from_source=true npm rebuild --ignore-scripts=false argon2

mkdir -p .work
XDG_DATA_HOME="$PWD/.work/xdg-data" node_modules/.bin/code-server --config .work/config.yaml --version
touch node_modules/.scholia-e2e-ready
