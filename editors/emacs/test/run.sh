#!/bin/sh
# Tests of the Emacs package in batch Emacs (Debian's emacs-nox with
# elpa-eglot), against the real server and a copy of the seed documents.
#
#   editors/emacs/test/run.sh
#
# Environment:
#   SCHOLIA_BIN   the server binary; when unset, `cargo build --release` at
#                 the repository root builds target/release/scholia
#   EMACS         the Emacs to run (default: emacs)
# Ends with "N passed, N failed"; exits non-zero on failure.
set -eu

package_dir=$(cd "$(dirname "$0")/.." && pwd -P)
repo=$(cd "$package_dir/../.." && pwd -P)
emacs=${EMACS:-emacs}

"$emacs" --version | head -n 1

if [ -z "${SCHOLIA_BIN:-}" ]; then
    echo "run.sh: building the server (cargo build --release)"
    (cd "$repo" && cargo build --release --quiet)
    SCHOLIA_BIN=$repo/target/release/scholia
fi
SCHOLIA_BIN=$(cd "$(dirname "$SCHOLIA_BIN")" && pwd -P)/$(basename "$SCHOLIA_BIN")
export SCHOLIA_BIN

# Keep Emacs' state out of the user's home. eglot comes from Debian's
# elpa-eglot (/usr/share/emacs/site-lisp/elpa, which `-Q' does not add) or
# from ELPA_DIR (a package directory holding eglot and its dependencies).
elpa=${ELPA_DIR:-/usr/share/emacs/site-lisp/elpa}
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home"

cd "$repo"
"$emacs" -Q --batch \
    --eval "(progn (require 'package) (setq package-directory-list '(\"$elpa\")) (package-initialize))" \
    -L "$package_dir" -l "$package_dir/test/scholia-test.el"
