#!/usr/bin/env bash
# Runs every test of the project: the Rust suites (model, diagnostics,
# grammar corpus, CLI, the server over stdio), then the editor plugins'
# suites (VS Code extension, its platform .vsix in code-server + Chromium,
# Neovim in a real headless Neovim, Emacs in batch Emacs with eglot).
# Each stage stops the run on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test"
cargo test --all-targets

# The editors run the release server: the VS Code platform .vsix carries it.
cargo build --release

if [ -x editors/vscode/test.sh ]; then
  echo "== VS Code extension"
  # SCHOLIA_E2E=1: also the platform .vsix in code-server + Chromium with no
  # scholia on PATH (test-e2e/; skipped when Chromium is missing).
  # SCHOLIA_E2E=0 leaves it out.
  SCHOLIA_BIN="$PWD/target/release/scholia" SCHOLIA_E2E="${SCHOLIA_E2E:-1}" editors/vscode/test.sh
fi

if [ -x editors/nvim/test/run.sh ]; then
  echo "== Neovim plugin"
  SCHOLIA_BIN="$PWD/target/release/scholia" editors/nvim/test/run.sh
fi

if [ -x editors/emacs/test/run.sh ]; then
  echo "== Emacs package"
  cargo build --release
  SCHOLIA_BIN="$PWD/target/release/scholia" editors/emacs/test/run.sh
fi
