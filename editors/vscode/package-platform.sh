#!/usr/bin/env bash
# Packages the extension for this machine with the language server inside:
# scholia-<platform>-<arch>-<version>.vsix (e.g. scholia-linux-x64-0.1.0.vsix),
# which carries the release `scholia` binary as server/scholia, the way
# rust-analyzer's extension carries its server. Install it with
#   code --install-extension editors/vscode/scholia-linux-x64-*.vsix
# and nothing else is needed: no Rust, no `scholia` on PATH.
#
# Only this machine's target: another target needs its own Rust toolchain and
# linker (`rustup target add` and a cross linker), which this build does not
# set up.
#
# Environment: SCHOLIA_BIN, the server to bundle (default: target/release/scholia
# of this repository, built with `cargo build --release` when missing).
# Needs Node 20+ with npm (runs `npm ci` when node_modules/ is missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
REPO_ROOT="$(cd ../.. && pwd)"

server_bin="${SCHOLIA_BIN:-$REPO_ROOT/target/release/scholia}"
if ! [ -x "$server_bin" ]; then
  if [ -n "${SCHOLIA_BIN:-}" ]; then
    echo "package-platform: SCHOLIA_BIN=$server_bin is not an executable file" >&2
    exit 1
  fi
  echo "package-platform: building the server (cargo build --release)"
  (cd "$REPO_ROOT" && cargo build --release --quiet)
fi
if ! [ -d node_modules ]; then
  npm ci --no-audit --no-fund
fi

target="$(node -p 'process.platform + "-" + process.arch')"
# server/ exists only while packaging: the activation tests use this folder
# as the extension's and must not find a bundled server there.
trap 'rm -rf server' EXIT
rm -rf server
mkdir server
cp "$server_bin" server/scholia
chmod 755 server/scholia
node_modules/.bin/vsce package --no-dependencies --target "$target" </dev/null
