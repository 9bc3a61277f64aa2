#!/usr/bin/env bash
# Runs every test of the project: the Rust suites (model, diagnostics,
# grammar corpus, CLI, the server over stdio), then the editor plugins'
# suites (VS Code extension, Neovim in a real headless Neovim, Emacs in
# batch Emacs with eglot).
# Each stage stops the run on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test"
cargo test --all-targets

if [ -x editors/vscode/test.sh ]; then
  echo "== VS Code extension"
  editors/vscode/test.sh
fi

if [ -x editors/nvim/test/run.sh ]; then
  echo "== Neovim plugin"
  cargo build --release
  SCHOLIA_BIN="$PWD/target/release/scholia" editors/nvim/test/run.sh
fi

if [ -x editors/emacs/test/run.sh ]; then
  echo "== Emacs package"
  cargo build --release
  SCHOLIA_BIN="$PWD/target/release/scholia" editors/emacs/test/run.sh
fi
