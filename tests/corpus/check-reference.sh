#!/usr/bin/env bash
# Run the corpus fixtures in this directory under a user-supplied SLOW-32
# engine binary and compare (or, with -w, regenerate) the expected outputs.
#
# usage: check-reference.sh [-w] [-n NAME]... ENGINE [ENGINE-FLAG...]
#
#   ENGINE        path to an engine binary that runs `ENGINE [FLAGS] PROGRAM ARGS...`
#                 (e.g. a locally built slow32, slow32-fast or slow32-dbt).
#                 Default flags: -q (all three reference engines accept it).
#   -w            write NAME.expected-stdout / NAME.expected-status (and refresh
#                 the sha256 lines of NAME.expected-files) instead of comparing.
#   -n NAME       only this fixture (repeatable).
#
# FAST32_CORPUS must name the directory holding the .s32x programs.
# A trailing "HALT at PC=0x........" line (printed by the interpreters even
# with -q) is removed from stdout before comparing or writing.
# NAME.run-options (sandbox grants for fast32) is ignored: the reference
# engines have no sandbox. This script builds nothing; it only runs the
# engine it is given.
set -u

here=$(cd "$(dirname "$0")" && pwd)
write=0
only=()
while [ $# -gt 0 ]; do
    case $1 in
        -w) write=1; shift ;;
        -n) only+=("$2"); shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
if [ $# -lt 1 ]; then
    echo "usage: $0 [-w] [-n NAME]... ENGINE [ENGINE-FLAG...]" >&2
    exit 2
fi
engine=$1; shift
if [ $# -gt 0 ]; then flags=("$@"); else flags=(-q); fi
: "${FAST32_CORPUS:?set FAST32_CORPUS to the directory holding the .s32x programs}"
corpus=$(cd "$FAST32_CORPUS" && pwd)
case $engine in /*) ;; *) engine=$(cd "$(dirname "$engine")" && pwd)/$(basename "$engine") ;; esac

subst() { local s=$1; s=${s//\$CORPUS/$corpus}; printf '%s' "$s"; }
resolve() { local s; s=$(subst "$1"); case $s in /*) printf '%s' "$s" ;; *) printf '%s' "$here/$s" ;; esac; }

fail=0
names=()
if [ ${#only[@]} -gt 0 ]; then names=("${only[@]}"); else
    for a in "$here"/*.args; do n=$(basename "$a" .args); names+=("$n"); done
fi

for name in "${names[@]}"; do
    base=$here/$name
    [ -f "$base.args" ] || { echo "no such fixture: $name" >&2; fail=1; continue; }
    tmp=$(mktemp -d)
    work=$tmp/work
    mkdir "$work"
    # program + guest arguments
    argv=()
    while IFS= read -r line || [ -n "$line" ]; do argv+=("$(subst "$line")"); done < "$base.args"
    # data files copied into the working directory
    if [ -f "$base.files" ]; then
        while IFS= read -r f || [ -n "$f" ]; do [ -n "$f" ] && cp "$(resolve "$f")" "$work/"; done < "$base.files"
    fi
    # stdin: optional prepended files, then NAME.stdin
    {
        if [ -f "$base.stdin-prepend" ]; then
            while IFS= read -r f || [ -n "$f" ]; do [ -n "$f" ] && cat "$(resolve "$f")"; done < "$base.stdin-prepend"
        fi
        [ -f "$base.stdin" ] && cat "$base.stdin"
    } > "$tmp/stdin"

    start=$(date +%s.%N)
    (cd "$work" && timeout 900 "$engine" "${flags[@]}" "${argv[@]}" < "$tmp/stdin" > "$tmp/stdout" 2> "$tmp/stderr")
    status=$?
    end=$(date +%s.%N)
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
    perl -0777 -pi -e 's/HALT at PC=0x[0-9A-Fa-f]{8}\n\z//' "$tmp/stdout"

    if [ $write = 1 ]; then
        cp "$tmp/stdout" "$base.expected-stdout"
        echo "$status" > "$base.expected-status"
        if [ -f "$base.expected-files" ]; then
            lst=$(mktemp)
            while read -r hash file; do
                if [ "$hash" = "-" ]; then echo "-  $file"
                elif [ -f "$work/$file" ]; then echo "$(sha256sum < "$work/$file" | cut -d' ' -f1)  $file"
                else echo "MISSING  $file"; fi
            done < "$base.expected-files" > "$lst"
            mv "$lst" "$base.expected-files"
        fi
        echo "wrote $name (status $status, ${secs}s)"
    else
        ok=1
        if ! cmp -s "$tmp/stdout" "$base.expected-stdout"; then
            ok=0
            echo "--- $name: stdout differs"
            diff "$base.expected-stdout" "$tmp/stdout" | head -10
        fi
        want=$(cat "$base.expected-status")
        if [ "$status" != "$want" ]; then ok=0; echo "--- $name: status $status, expected $want"; fi
        if [ -f "$base.expected-files" ]; then
            while read -r hash file; do
                if [ ! -f "$work/$file" ]; then ok=0; echo "--- $name: missing output file $file"
                elif [ "$hash" != "-" ] && [ "$(sha256sum < "$work/$file" | cut -d' ' -f1)" != "$hash" ]; then
                    ok=0; echo "--- $name: $file sha256 differs"
                fi
            done < "$base.expected-files"
        fi
        if [ $ok = 1 ]; then echo "ok   $name (${secs}s)"; else echo "FAIL $name (${secs}s)"; fail=1; fi
    fi
    rm -rf "$tmp"
done
exit $fail
