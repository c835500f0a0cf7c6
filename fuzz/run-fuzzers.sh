#!/usr/bin/env bash
# Runs every fuzz target for a bounded time and prints a summary.
# Usage: fuzz/run-fuzzers.sh [SECONDS_PER_TARGET]   (default 60)
# Needs cargo-fuzz (cargo install cargo-fuzz). Crashes land in
# fuzz/artifacts/<target>/; each one fixed becomes a regression test.
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
targets=(s32x_read assemble profile_decode code_cache_decode host_requests policy_paths diff_exec)
summary=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    [ -d "seeds/$t" ] && cp -n seeds/$t/* "corpus/$t/" 2>/dev/null
    # The assembler is seeded with the project's own test programs.
    [ "$t" = assemble ] && cp -n ../tests/programs/*.s "corpus/$t/" 2>/dev/null
    log=$(mktemp)
    # diff_exec turns its bytes into a program: without long inputs from
    # the start (libFuzzer grows them slowly, and this target runs a few
    # inputs a second) a short run would try programs of a few bytes only.
    extra=()
    [ "$t" = diff_exec ] && extra=(-len_control=0 -max_len=2048)
    # --sanitizer none: runs on the stable toolchain.
    cargo fuzz run --sanitizer none --release "$t" "corpus/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=4096 -print_final_stats=1 "${extra[@]}" >"$log" 2>&1
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    crashes=$(ls "artifacts/$t" 2>/dev/null | wc -l)
    summary+=("$t: exit $rc, ${execs:-?} executions, $crashes crash artifacts")
    tail -3 "$log"
    rm -f "$log"
done
printf '%s\n' "${summary[@]}"
