#!/bin/sh
# Copies the grammar's queries into the plugin (queries/scholia/). The copies
# are committed so that the plugin works from any install; test/spec.lua
# fails when they differ from editors/tree-sitter-scholia/queries/.
set -eu
plugin_dir=$(cd "$(dirname "$0")/.." && pwd -P)
grammar_dir=${SCHOLIA_GRAMMAR_DIR:-$plugin_dir/../tree-sitter-scholia}
mkdir -p "$plugin_dir/queries/scholia"
rm -f "$plugin_dir"/queries/scholia/*.scm
cp "$grammar_dir"/queries/*.scm "$plugin_dir/queries/scholia/"
echo "sync-queries: copied $(ls "$grammar_dir"/queries/*.scm | wc -l) queries to $plugin_dir/queries/scholia"
