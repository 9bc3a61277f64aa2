#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ (cargo-fuzz, libFuzzer) for SECONDS each.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 60 seconds, every target
#
# Targets (`cargo fuzz list`): bibtex config csl_json did_change document
# front_matter import registry scanner tei (the differential scanner/tree-sitter
# check of closed documents' syntax).
#
# The machine has only the stable toolchain. cargo-fuzz needs nightly-only
# rustc flags (-Zsanitizer=address and the sanitizer-coverage passes), which
# stable rustc accepts when RUSTC_BOOTSTRAP=1 is set; nothing else is needed
# (no nightly toolchain, no -Zbuild-std). So each run is:
#
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -a <target> fuzz/corpus/<target> -- -max_total_time=SECONDS
#
# (-a: debug assertions on, so an integer overflow is a crash too.)
# A crash stops that target, leaves the input in fuzz/artifacts/<target>/
# and makes this script exit 1 after the other targets have run.
# Environment: FUZZ_SANITIZER=none|address (default address),
# FUZZ_JOBS=N (parallel libFuzzer jobs per target, default 1).
# Long campaigns: see RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
[ $# -gt 0 ] && shift
sanitizer=${FUZZ_SANITIZER:-address}
jobs=${FUZZ_JOBS:-1}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

echo "== building fuzz targets (sanitizer: $sanitizer)"
cargo fuzz build -a --sanitizer "$sanitizer"

parallel=()
if [ "$jobs" -gt 1 ]; then
  parallel=(-jobs="$jobs" -workers="$jobs")
fi

failed=()
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${secs}s"
  mkdir -p "fuzz/corpus/$t"
  # New corpus entries stay local (fuzz/.gitignore keeps only seed-* files).
  if ! cargo fuzz run -a --sanitizer "$sanitizer" "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=3072 -max_len=65536 \
      "${parallel[@]}" -print_final_stats=1 >"fuzz/$t.log" 2>&1; then
    failed+=("$t")
    tail -n 60 "fuzz/$t.log"
    # The input that failed (libFuzzer: "Test unit written to <path>").
    artifacts=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "fuzz/$t.log")
    for a in $artifacts; do
      echo "fuzz: $t failed; input: $a"
      echo "fuzz: reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run -a --sanitizer $sanitizer $t $a"
    done
    [ -n "$artifacts" ] || echo "fuzz: $t failed without writing an input; log: fuzz/$t.log"
  else
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done|#[0-9]+ *DONE)" "fuzz/$t.log" || tail -n 3 "fuzz/$t.log"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $PWD/fuzz/artifacts/, logs in $PWD/fuzz/<target>.log)"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${secs}s each without a crash"
