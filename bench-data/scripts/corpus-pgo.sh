#!/usr/bin/env bash
# Profile-guided AOT on the interpreters of the FAST32_CORPUS programs.
#
# Usage: bench-data/scripts/corpus-pgo.sh [--wall] FAST32 CORPUS_DIR [PROGRAM...]
#
# For each interpreter (forth, sbasic, prolog, lisp, lua; default all that
# CORPUS_DIR holds) and its workload in bench-data/corpus (lua: the
# bench-data/lua scripts): a profile of the *training* workload, an
# executable compiled without it (plain) and one with it (pgo), and the
# JIT (`fast32 run`). Each runs the bench workload once under
# `valgrind --tool=callgrind` (host instructions: repeatable, unlike wall
# time on a shared machine) with a fixed guest clock (Lua seeds its string
# hashing from it), after a check that all three print what the reference
# interpreter prints. Prints host instructions and the ratios pgo/plain
# and plain/jit.
#
# With --wall: wall time instead, from `fast32 bench --program` on each
# (the same profile, executables and correctness check; runs interleaved,
# medians of RUNS, default 11): pgo/plain is the bench's "× aot time",
# the median of the rounds' ratios; plain/jit a ratio of medians.
set -euo pipefail
wall=
if [ "${1:-}" = --wall ]; then wall=1; shift; fi
fast32=$(realpath "$1") corpus=$(realpath "$2")
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
progs=("$@")
[ ${#progs[@]} -eq 0 ] && progs=(forth sbasic prolog lisp lua)
[ -n "$wall" ] || command -v valgrind > /dev/null || { echo "valgrind is needed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FAST32_DETERMINISTIC=1

# The guest program and the bench/training stdin of interpreter $1.
setup() {
    local p=$1 d=$here/corpus
    case $p in
        forth) image=$corpus/kernel.s32x
               cat "$corpus/prelude.fth" "$d/forth.bench.fth" > "$work/bench"
               cat "$corpus/prelude.fth" "$d/forth.train.fth" > "$work/train" ;;
        sbasic) image=$corpus/sbasic.s32x; cp "$d/sbasic.bench.bas" "$work/bench"; cp "$d/sbasic.train.bas" "$work/train" ;;
        prolog) image=$corpus/prolog.s32x; cp "$d/prolog.bench.pl" "$work/bench"; cp "$d/prolog.train.pl" "$work/train" ;;
        lisp) image=$corpus/lisp.s32x; cp "$d/lisp.bench.scm" "$work/bench"; cp "$d/lisp.train.scm" "$work/train" ;;
        lua) image=$corpus/lua.s32x; cp "$here/lua/bench-small.lua" "$work/bench"; cp "$here/lua/train.lua" "$work/train" ;;
        *) echo "unknown program $p" >&2; return 1 ;;
    esac
    [ -f "$image" ]
}

instructions() { # command... < stdin: host instructions
    valgrind --tool=callgrind --smc-check=all --callgrind-out-file=/dev/null "$@" 2>&1 > /dev/null \
        | awk '/refs:/ {gsub(",", "", $4); print $4}'
}

# --wall: one `fast32 bench --program` per interpreter; from its table,
# the medians (column 5) of the rows for jit, aot and aot-pgo, and
# aot-pgo's "× aot time" (column 10).
if [ -n "$wall" ]; then
    printf '%-7s %10s %10s %10s %9s %9s\n' program plain-s pgo-s jit-s pgo/plain plain/jit
    for p in "${progs[@]}"; do
        setup "$p" || { echo "$p: not in $corpus, skipped"; continue; }
        "$fast32" bench --program "$image" --stdin "$work/bench" --train-stdin "$work/train" \
            --engines jit,aot,aot-pgo --runs "${RUNS:-11}" --work-dir "$work/bench-$p" > "$work/$p.md"
        awk -F'|' -v p="$p" '
            { e = $4; gsub(/ /, "", e); t[e] = $5 + 0; vs_aot[e] = $10 + 0 }
            END {
                if (!t["aot"] || !t["aot-pgo"] || !t["jit"]) { print p ": no timings" > "/dev/stderr"; exit 1 }
                printf "%-7s %10.4f %10.4f %10.4f %9.3f %9.3f\n", p, t["aot"], t["aot-pgo"], t["jit"],
                    vs_aot["aot-pgo"], t["aot"] / t["jit"]
            }' "$work/$p.md"
    done
    exit 0
fi

printf '%-7s %14s %14s %14s %9s %9s\n' program plain pgo jit pgo/plain plain/jit
for p in "${progs[@]}"; do
    setup "$p" || { echo "$p: not in $corpus, skipped"; continue; }
    "$fast32" profile --deterministic -o "$work/$p.prof" "$image" < "$work/train" > /dev/null 2>&1
    "$fast32" compile -q "$image" -o "$work/$p.plain"
    "$fast32" compile -q ${PGO_FLAGS:-} --profile "$work/$p.prof" "$image" -o "$work/$p.pgo"
    "$fast32" run --deterministic --engine interp "$image" < "$work/bench" > "$work/expected" || true
    for e in plain pgo; do
        "$work/$p.$e" < "$work/bench" > "$work/out" || true
        cmp -s "$work/out" "$work/expected" || { echo "$p: $e output differs from the interpreter" >&2; exit 1; }
    done
    "$fast32" run --deterministic "$image" < "$work/bench" > "$work/out" || true
    cmp -s "$work/out" "$work/expected" || { echo "$p: JIT output differs from the interpreter" >&2; exit 1; }
    a=$(instructions "$work/$p.plain" < "$work/bench")
    b=$(instructions "$work/$p.pgo" < "$work/bench")
    j=$(instructions "$fast32" run --deterministic "$image" < "$work/bench")
    awk -v p="$p" -v a="$a" -v b="$b" -v j="$j" \
        'BEGIN {printf "%-7s %14.0f %14.0f %14.0f %9.3f %9.3f\n", p, a, b, j, b / a, a / j}'
done
