#!/usr/bin/env bash
# The benchmarks of BENCHMARKS.md in one command: builds the release
# binaries, generates the synthetic corpora under target/bench-corpus/ (once
# per preset and seed), times `scholia check` and the language server with
# scholia-bench, runs the divan micro-benchmarks, and prints the tables.
#
#   scripts/bench.sh                 # all presets: small, medium, archive
#   scripts/bench.sh small medium    # some presets
#   scripts/bench.sh --smoke         # CI: the small preset, few rounds;
#                                    # fails only when the harness fails
#   scripts/bench.sh --no-micro ...  # skip the micro-benchmarks
#
# Environment: SEED (corpus seed, default 1), ROUNDS (requests per kind,
# default 300), CHECK_RUNS (timed `check` runs per mode, default 3).
# Figures are printed, never asserted: slow results do not fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: scripts/bench.sh [small|medium|archive|all]... [--smoke] [--no-micro]" >&2
  exit 2
}

presets=()
smoke=0
micro=1
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=1 ;;
    --no-micro) micro=0 ;;
    small | medium | archive) presets+=("$arg") ;;
    all) presets+=(small medium archive) ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $arg" >&2; usage ;;
  esac
done
if [ ${#presets[@]} -eq 0 ]; then
  if [ "$smoke" = 1 ]; then presets=(small); else presets=(small medium archive); fi
fi
seed="${SEED:-1}"

echo "== machine"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') × $(nproc)"
echo "memory:  $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: scripts/bench.sh $*"

echo "== build (release)"
cargo build --release --bins --quiet

bin=target/release
corpora=()
for p in "${presets[@]}"; do
  out="target/bench-corpus/$p"
  "$bin/scholia-corpus" --preset "$p" --seed "$seed" --out "$out" --if-missing
  corpora+=("$out")
done

mkdir -p target/bench-results
bench_args=(--bin "$bin/scholia" --out target/bench-results/table.md)
if [ "$smoke" = 1 ]; then
  bench_args+=(--smoke)
else
  bench_args+=(--rounds "${ROUNDS:-300}" --check-runs "${CHECK_RUNS:-3}")
fi

echo "== scholia-bench ${presets[*]}"
"$bin/scholia-bench" "${bench_args[@]}" "${corpora[@]}"

if [ "$micro" = 1 ]; then
  echo "== micro-benchmarks (divan)"
  if [ "$smoke" = 1 ]; then
    # Each benchmark once: checks that they still run.
    cargo bench --quiet --bench micro -- --test
  else
    cargo bench --quiet --bench micro
  fi
fi
echo "== done (table also in target/bench-results/table.md)"
