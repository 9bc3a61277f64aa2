#!/usr/bin/env bash
# Proves that the crate installs the way every Rust CLI does (issue 18):
#   1. `cargo package` makes the .crate (the files Cargo.toml's `include`
#      lists; the grammar's generated parser among them);
#   2. the .crate, unpacked outside the repository, is installed with
#      `cargo install --path` offline and with the locked dependencies, so
#      build.rs finds the grammar inside the package, not in the repository;
#   3. `cargo install --path .` from the repository works too;
#   4. each installed `scholia` runs `init`, then `check` exits 0.
# The release target directory is shared (CARGO_TARGET_DIR), so after a
# `cargo build --release` only scholia itself is compiled again.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

version=$(cargo metadata --no-deps --format-version 1 --offline |
  python3 -c 'import json,sys; print([p for p in json.load(sys.stdin)["packages"] if p["name"]=="scholia"][0]["version"])')
crate="$CARGO_TARGET_DIR/package/scholia-$version.crate"

echo "== cargo package (the files it takes)"
# --allow-dirty: also works on a working tree with uncommitted changes.
cargo package --no-verify --allow-dirty --offline
cargo package --list --allow-dirty --offline >"$work/list.txt"
for f in build.rs editors/tree-sitter-scholia/src/parser.c \
  editors/tree-sitter-scholia/src/scanner.c \
  editors/tree-sitter-scholia/src/tree_sitter/parser.h; do
  grep -qx "$f" "$work/list.txt" || { echo "missing from the package: $f"; exit 1; }
done
if grep -q '^tests/\|^editors/vscode/\|^editors/nvim/\|^seeds/' "$work/list.txt"; then
  echo "the package takes files it does not need:"
  grep '^tests/\|^editors/vscode/\|^editors/nvim/\|^seeds/' "$work/list.txt" | head
  exit 1
fi

echo "== cargo install from the unpacked .crate (offline, locked)"
tar -xzf "$crate" -C "$work"
(cd "$work" && cargo install --path "scholia-$version" --root "$work/from-crate" --offline --locked --quiet)

echo "== cargo install --path . (offline, locked)"
cargo install --path . --root "$work/from-repo" --offline --locked --quiet

for root in from-crate from-repo; do
  bin="$work/$root/bin/scholia"
  "$bin" --version
  (cd "$work" && "$bin" init "project-$root" >/dev/null && "$bin" check "project-$root" --format short)
done
echo "package-check: ok"
