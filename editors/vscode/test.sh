#!/usr/bin/env bash
# The one entry point for the VS Code extension: installs (npm ci), builds,
# type-checks, runs every test and packages the .vsix files (with and without
# the server). Needs Node 20+, the npm registry and the release server binary
# ($SCHOLIA_BIN, else target/release/scholia, built with cargo when missing);
# never prompts. Prints "N passed, N failed" last
# and exits non-zero when anything failed.
#
#   editors/vscode/test.sh            # everything below
#   SCHOLIA_E2E=1 editors/vscode/test.sh   # also the code-server test (test-e2e/)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export CI="${CI:-true}" npm_config_yes=false npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

passed=0
failed=0
failures=()
LOG_DIR="$(mktemp -d)"
trap 'rm -rf "$LOG_DIR"' EXIT

pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAILED: $1"; }

# step NAME COMMAND...: runs a command as one test.
step() {
  local name="$1"
  shift
  echo "--- $name"
  if "$@" </dev/null; then pass "$name"; else fail "$name"; fi
}

finish() {
  echo
  if [ "${#failures[@]}" -gt 0 ]; then
    echo "Failed:"
    printf '  %s\n' "${failures[@]}"
  fi
  if [ "${skipped:-0}" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
  [ "$failed" -eq 0 ]
  exit $?
}

# 1. Install exactly what package-lock.json says (install scripts are off: .npmrc).
step "npm ci" npm ci --no-audit --no-fund
if [ "$failed" -gt 0 ]; then finish; fi

# 2. Bundle src/ with esbuild into dist/extension.js, and type-check.
step "build (esbuild -> dist/extension.js)" npm run --silent build
step "type-check (tsc --noEmit)" node_modules/.bin/tsc --noEmit

# 3. The TextMate grammar: scope assertions, one test per file. Without a TOML
#    grammar (the front-matter fallback) and with one (source.toml from tm-grammars).
#    The timeout guards against a malformed assertion line, on which the
#    tool's parser can backtrack for a very long time.
TMTEST=node_modules/vscode-tmgrammar-test/dist/unit.js
for file in test/grammar/*.scholia; do
  step "grammar: $file" timeout 120 node "$TMTEST" --compact "$file"
done
for file in test/grammar-toml/*.scholia; do
  step "grammar with TOML: $file" timeout 120 node "$TMTEST" --compact \
    -g node_modules/tm-grammars/grammars/toml.json "$file"
done

# 4. Package the .vsix (vsce runs vscode:prepublish, i.e. the build, again):
#    scholia-<version>.vsix without a server (it runs `scholia` from PATH, or
#    scholia.server.path), then the platform package for this machine,
#    scholia-<target>-<version>.vsix, which carries the release server as
#    server/scholia (as rust-analyzer's extension carries its server). Only
#    this machine's target: the other targets need their own Rust
#    toolchain and linker, which this build does not have. The server is
#    $SCHOLIA_BIN, else target/release/scholia (built here when missing).
rm -f ./*.vsix
rm -rf server
step "package (vsce package)" node_modules/.bin/vsce package --no-dependencies

TARGET="$(node -p 'process.platform + "-" + process.arch')"
step "package for $TARGET with the server (package-platform.sh)" ./package-platform.sh

# 5. Node's test runner: manifest, themes, the .vsix contents, and activation of
#    the bundled extension with a stand-in `vscode` module and a fake server.
echo "--- node --test test/*.test.js"
TAP="$LOG_DIR/node-test.tap"
node --test --test-timeout=120000 --test-reporter=tap test/*.test.js </dev/null | tee "$TAP"
status=${PIPESTATUS[0]}
n_pass=$(grep -E '^# pass [0-9]+' "$TAP" | tail -1 | awk '{print $3}')
n_fail=$(grep -E '^# fail [0-9]+' "$TAP" | tail -1 | awk '{print $3}')
n_pass=${n_pass:-0}
n_fail=${n_fail:-0}
passed=$((passed + n_pass))
failed=$((failed + n_fail))
if [ "$n_fail" -gt 0 ]; then
  while IFS= read -r line; do failures+=("node --test: ${line#not ok * - }"); done < <(grep -E '^not ok ' "$TAP")
fi
if [ "$status" -ne 0 ] && [ "$n_fail" -eq 0 ]; then fail "node --test exited with $status"; fi
if [ "$n_pass" -eq 0 ] && [ "$n_fail" -eq 0 ]; then fail "node --test ran no test"; fi

# 6. The platform .vsix inside a real VS Code (code-server + Chromium), in a
#    fresh profile with no `scholia` on PATH: see test-e2e/run.sh. Off by
#    default (it installs ~400 MB and builds native modules); scripts/test.sh
#    turns it on.
skipped=0
if [ "${SCHOLIA_E2E:-0}" = "1" ]; then
  echo "--- e2e: code-server + Chromium (test-e2e/run.sh)"
  E2E_LOG="$LOG_DIR/e2e.log"
  bash test-e2e/run.sh </dev/null 2>&1 | tee "$E2E_LOG"
  status=${PIPESTATUS[0]}
  if [ "$status" -eq 77 ]; then
    skipped=1
  else
    counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$E2E_LOG" | tail -1)
    e_pass=$(echo "$counts" | awk '{print $1}')
    e_fail=$(echo "$counts" | awk '{print $3}')
    passed=$((passed + ${e_pass:-0}))
    failed=$((failed + ${e_fail:-0}))
    if [ "${e_fail:-0}" -gt 0 ]; then failures+=("e2e: see the FAILED lines above"); fi
    if [ "$status" -ne 0 ] && [ "${e_fail:-0}" -eq 0 ]; then fail "e2e exited with $status"; fi
  fi
fi

finish
