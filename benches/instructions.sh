#!/usr/bin/env bash
# Counts the instructions acr-inject executes on one stream, for two or more binaries, with
# valgrind's callgrind. Unlike wall time, an instruction count does not depend on what else the
# machine is doing, so "did this change make it slower?" gets the same answer on a busy shared
# machine: compare builds before and after a change in one run.
#
#   benches/instructions.sh [--size MB] BIN [BIN...]
#   benches/instructions.sh /tmp/acr-inject-before target/release/acr-inject
#
# The stream is built as throughput.sh builds it: every flat corpus file, each after a `---`
# line, repeated until --size MB (default 20). Each binary runs in the default mode (with
# credentials), with --stream, and with --no-secret; the table gives each count and its ratio to
# the first binary's.
set -euo pipefail
export LC_ALL=C

size_mb=20
if [[ ${1:-} == --size ]]; then
    size_mb=$2
    shift 2
fi
(($# >= 1)) || { echo "usage: benches/instructions.sh [--size MB] BIN [BIN...]" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus=${ACR_INJECT_CORPUS:-$repo/../shared/corpus}
[[ -d $corpus ]] || { echo "instructions.sh: no corpus at $corpus; set ACR_INJECT_CORPUS" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/acr-inject-instructions.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
stream=$work/stream.yaml
target=$((size_mb * 1000000))
: >"$stream"
while (($(stat -c %s "$stream") < target)); do
    for file in "$corpus"/*.yaml; do
        printf -- '---\n' >>"$stream"
        cat -- "$file" >>"$stream"
        [[ $(tail -c 1 "$file") == "" ]] || printf '\n' >>"$stream"
    done
done
echo "# stream: $(stat -c %s "$stream") bytes from $corpus" >&2

count() {
    ACR_INJECT_PASSWORD=bench-password valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$@" <"$stream" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

printf '%-40s %-12s %15s %8s\n' binary mode instructions ratio
declare -A first
for bin in "$@"; do
    for mode in default --stream --no-secret; do
        case $mode in
            default) n=$(count "$bin" -r myregistry -u bench-user) ;;
            --stream) n=$(count "$bin" -r myregistry -u bench-user --stream) ;;
            --no-secret) n=$(count "$bin" --no-secret) ;;
        esac
        [[ -n ${first[$mode]:-} ]] || first[$mode]=$n
        ratio=$(awk -v a="$n" -v b="${first[$mode]}" 'BEGIN { printf "%.4f", a / b }')
        printf '%-40s %-12s %15s %8s\n' "$bin" "$mode" "$n" "$ratio"
    done
done
