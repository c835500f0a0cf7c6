#!/usr/bin/env bash
# Cold start vs pre-warmed JIT, whole-process wall time.
#
# Usage: bench-data/scripts/prewarm-bench.sh FAST32 PROGRAM.s32x STDIN_FILE [RUNS] [-- GUEST ARGS...]
#
# Runs, interleaved (cold, profile, cache, profiling, cold, ...) so that a
# drift of the machine's speed hits every configuration alike:
#   cold       fast32 run PROG                         (translates everything)
#   profile    fast32 run --profile P PROG             (hot blocks translated up front)
#   cache      fast32 run --cache-dir D PROG           (blocks loaded from the code cache)
#   profiling  fast32 profile PROG -o X                (profiling overhead)
# and prints each configuration's median wall time and its ratio to cold.
# Every run uses --deterministic (fixed clock), so all runs execute the same
# guest instructions and the cache never needs rewriting after set-up.
# Needs only bash, date and sort.
set -euo pipefail
fast32=$1 prog=$2 input=$3 runs=${4:-21}
shift $(( $# >= 4 ? 4 : 3 ))
[ "${1:-}" = "--" ] && shift
args=("$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { "$fast32" "$@" < "$input" > /dev/null 2>&1 || true; }

# Set-up (not timed): a profile, and a cache entry written by one cold run.
run profile --deterministic -o "$work/p.s32prof" "$prog" -- "${args[@]}"
run run --deterministic --cache-dir "$work/cache" "$prog" "${args[@]}"

declare -A times
configs=(cold profile cache profiling)
for ((i = 0; i < runs; i++)); do
    for c in "${configs[@]}"; do
        case $c in
            cold) cmd=(run --deterministic "$prog" "${args[@]}") ;;
            profile) cmd=(run --deterministic --profile "$work/p.s32prof" "$prog" "${args[@]}") ;;
            cache) cmd=(run --deterministic --cache-dir "$work/cache" "$prog" "${args[@]}") ;;
            profiling) cmd=(profile --deterministic -o "$work/x.s32prof" "$prog" -- "${args[@]}") ;;
        esac
        t0=$(date +%s%N)
        run "${cmd[@]}"
        t1=$(date +%s%N)
        times[$c]+="$(( (t1 - t0) / 1000 )) "
    done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cold=$(echo "${times[cold]}" | median)
printf '%-10s %12s %8s\n' config "median µs" "/cold"
for c in "${configs[@]}"; do
    m=$(echo "${times[$c]}" | median)
    awk -v c="$c" -v m="$m" -v b="$cold" 'BEGIN {printf "%-10s %12d %8.3f\n", c, m, m / b}'
done
