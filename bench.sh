#!/usr/bin/env bash
# JobSafety benchmarks in one command (results: artifacts/bench/<UTC time>/; write-up: docs/benchmarks.md).
#
#   ./bench.sh           everything, full length (~25-40 min on a busy 2-core machine)
#   ./bench.sh --quick   everything, a few seconds per benchmark (checks that they run; numbers are rough)
#
# Steps: start PostgreSQL/Redis (scripts/services.sh start), build Release, then
#   1. runtime fast paths + interceptors' per-call cost   BenchmarkDotNet, [MemoryDiagnoser]
#   2. end to end on PostgreSQL                           raw Npgsql vs the wrapper (0 / 5 AfterCommit), interleaved
#   3. analyzer overhead                                  empty analyzer vs JobSafety, alternating rounds, medians,
#                                                         per-analyzer telemetry, 250..2000 files, Clean + Diagnostic corpus
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

QUICK=()
case "${1:-}" in
    --quick) QUICK=(--quick) ;;
    "") ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option '$1' (use --quick or nothing)" >&2; exit 2 ;;
esac

OUT="$ROOT/artifacts/bench/$(date -u +%Y%m%dT%H%M%SZ)${QUICK:+-quick}"
mkdir -p "$OUT"
BIN="$ROOT/bench/JobSafety.Benchmarks/bin/Release/net10.0/JobSafety.Benchmarks"

echo "== services"
scripts/services.sh start

echo "== build (Release)"
dotnet build bench/JobSafety.Benchmarks -c Release -nologo -v quiet

{
    echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "command: ./bench.sh ${QUICK[*]:-}"
    echo "nproc:   $(nproc)"
    echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "memory:  $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "os:      $(. /etc/os-release && echo "$PRETTY_NAME") ($(uname -r))"
    echo "dotnet:  $(dotnet --version) (runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}'))"
    echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at start)"
} | tee "$OUT/machine.txt"

echo "== 1. runtime fast paths and interceptors (BenchmarkDotNet)"
"$BIN" "${QUICK[@]}" --artifacts "$OUT/bdn" \
    --filter '*GuardNoTransactionBenchmarks*' '*GuardTransactionOpenBenchmarks*' '*AfterCommitBenchmarks*' '*IntegrationOverheadBenchmarks*' \
    | tee "$OUT/runtime.txt"

echo "== 2. end to end on PostgreSQL (interleaved)"
"$BIN" --e2e "${QUICK[@]}" | tee "$OUT/e2e.txt"

echo "== 3. analyzer overhead (alternating, medians, telemetry)"
"$BIN" --analyzers "${QUICK[@]}" | tee "$OUT/analyzers.txt"

echo "== done: $OUT"
