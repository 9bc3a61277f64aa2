#!/bin/sh
# Compiles the tree-sitter parser of scholia documents for Neovim:
#   editors/tree-sitter-scholia/src/{parser,scanner}.c -> editors/nvim/parser/scholia.so
#
# Usable as lazy.nvim's `build = "scripts/build-parser.sh"`, from
# :ScholiaBuildParser, or by hand. Needs only a C compiler (CC, default cc);
# the generated parser is committed, so no tree-sitter CLI and no Node.js.
#
# Environment:
#   CC                   the C compiler (default: cc)
#   SCHOLIA_GRAMMAR_DIR  the tree-sitter-scholia directory (default: the
#                        one next to this plugin in the scholia repository)
#   SCHOLIA_PARSER_DIR   where scholia.so is written (default: parser/ in
#                        the plugin directory); must be a parser/ folder on
#                        Neovim's 'runtimepath' for Neovim to find it
set -eu

# The plugin directory, symlinks resolved: the plugin may be installed as a
# symlink (pack/*/start/scholia -> .../editors/nvim), and the grammar is found
# next to the real directory, not next to the link.
plugin_dir=$(cd "$(dirname "$0")/.." && pwd -P)
grammar_dir=${SCHOLIA_GRAMMAR_DIR:-$plugin_dir/../tree-sitter-scholia}
src=$grammar_dir/src
cc=${CC:-cc}

for f in "$src/parser.c" "$src/scanner.c"; do
    if [ ! -f "$f" ]; then
        echo "build-parser: $f not found; set SCHOLIA_GRAMMAR_DIR to the" \
            "tree-sitter-scholia directory of the scholia repository" >&2
        exit 1
    fi
done

out_dir=${SCHOLIA_PARSER_DIR:-$plugin_dir/parser}
mkdir -p "$out_dir"
out=$out_dir/scholia.so
# Write beside the target and rename: a running Neovim that has the old
# library mapped keeps its (unlinked) copy instead of crashing on a file
# rewritten under it.
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT
$cc -shared -fPIC -O2 -I "$src" -o "$tmp" "$src/parser.c" "$src/scanner.c"
mv -f "$tmp" "$out"
trap - EXIT
echo "build-parser: wrote $out"
