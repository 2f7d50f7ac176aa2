#!/usr/bin/env bash
# Throughput and memory benchmark for acr-inject against `cat` and optional peers (gojq, yq,
# kustomize, ruamel.yaml). See benches/README.md for what the columns mean and the targets.
set -euo pipefail
export LC_ALL=C

usage() {
    cat <<'EOF'
Usage: benches/throughput.sh [options]

Builds a multi-document stream from the corpus of real-world manifests ($ACR_INJECT_CORPUS,
default ../shared/corpus; a relative path is from the repo root), then times `cat`, acr-inject
(default, --stream, --no-secret) and whichever peers are on PATH, each on one core with the
input in page cache, and prints MB/s and peak RSS.

Options:
  --size MB          size of the main stream (default 100; 1 MB = 1,000,000 bytes)
  --peer-size MB     size of the slice that slow peers run on (default 10)
  --peer-budget S    a peer whose first run on the slice projects to at most S seconds at --size
                     is measured at --size instead (default 20)
  --repeat N         runs per measurement; the fastest is reported (default 3)
  --linear-max MB    largest size in the acr-inject linearity table: 1, 10, 100, 1000, ... up to
                     this (default 100; 0 skips the table)
  --bin PATH         acr-inject binary to use (default: `cargo build --release --bin acr-inject`)
  --cpu N            core to pin runs to with taskset (default 0)
  --quick            CI mode: 2 MB stream, 1 repeat, no linearity table, peers on the same 2 MB;
                     fails if acr-inject fails, prints nothing, or default and --stream differ
                     (overrides --size, --peer-size, --repeat and --linear-max); without the
                     corpus it says it skips and exits 0, unless CI is set (as the tests do)
  --keep             keep the temporary directory (its path is printed)
  -h, --help         this message

Exit status: 0 done, 1 acr-inject (or its build) failed a run or a check, or no corpus,
2 usage error.
EOF
}

die() { echo "throughput.sh: $*" >&2; exit 1; }
usage_error() { echo "throughput.sh: $*" >&2; echo "Try --help." >&2; exit 2; }
log() { echo "# $*" >&2; }

# ---------------------------------------------------------------------------------------------
# Options

size_mb=100
peer_size_mb=10
peer_budget=20
repeat=3
linear_max=100
bin=
built=
cpu=0
quick=0
keep=0

is_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }

while (($#)); do
    case $1 in
        --size | --peer-size | --peer-budget | --repeat | --linear-max | --bin | --cpu)
            (($# >= 2)) || usage_error "$1 needs a value"
            case $1 in
                --size) size_mb=$2 ;;
                --peer-size) peer_size_mb=$2 ;;
                --peer-budget) peer_budget=$2 ;;
                --repeat) repeat=$2 ;;
                --linear-max) linear_max=$2 ;;
                --bin) bin=$2 ;;
                --cpu) cpu=$2 ;;
            esac
            shift 2
            ;;
        --quick) quick=1; shift ;;
        --keep) keep=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage_error "unknown argument: $1" ;;
    esac
done

if ((quick)); then
    size_mb=2 peer_size_mb=2 repeat=1 linear_max=0
fi
for value in "$size_mb" "$peer_size_mb" "$peer_budget" "$linear_max"; do
    is_number "$value" || usage_error "not a number: $value"
done
[[ $repeat =~ ^[1-9][0-9]*$ ]] || usage_error "--repeat needs a positive integer"
[[ $cpu =~ ^[0-9]+$ ]] || usage_error "--cpu needs a core number"
awk -v s="$size_mb" 'BEGIN { exit !(s > 0) }' || usage_error "--size must be above 0"
awk -v s="$peer_size_mb" 'BEGIN { exit !(s > 0) }' || usage_error "--peer-size must be above 0"
# A slice larger than the stream is the stream.
peer_size_mb=$(awk -v p="$peer_size_mb" -v s="$size_mb" 'BEGIN { print (p < s ? p : s) }')

[[ -n ${EPOCHREALTIME:-} ]] || die "needs bash 5 or later (for \$EPOCHREALTIME)"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The corpus, where the tests look for it too (testkit/src/corpus.rs).
corpus=${ACR_INJECT_CORPUS:-../shared/corpus}
[[ $corpus == /* ]] || corpus=$repo/$corpus
if [[ ! -d $corpus ]]; then
    missing="the corpus is not at $corpus; set ACR_INJECT_CORPUS to where it is"
    # The quick run is one of the tests (scripts/test): it skips as they do, but not under CI.
    if ((quick)) && [[ -z ${CI:-} ]]; then
        echo "throughput.sh: skipped: $missing" >&2
        exit 0
    fi
    die "$missing"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/acr-inject-bench.XXXXXX")
cleanup() {
    if ((keep)); then log "kept $work"; else rm -rf -- "$work"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# Small helpers

# calc FORMAT EXPRESSION: floating-point arithmetic (bash has none). Only numbers this script
# computed are ever spliced into EXPRESSION.
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }
# is_true EXPRESSION: a floating-point comparison as an exit status.
is_true() { awk "BEGIN { exit !($1) }"; }

file_bytes() { stat -c %s -- "$1"; }
mb_of() { calc '%.1f' "$(file_bytes "$1") / 1000000"; }

# Rough counts: documents by `kind:` at column 0 (flow-style documents are missed), pod specs by
# a `containers:` key followed by a sequence item or opening a flow sequence.
count_documents() { grep -c '^kind:' -- "$1" || true; }
count_pod_specs() {
    awk '/^[ \t]*containers:[ \t\r]*$/ { pending = 1; next }
         pending && /^[ \t]*- / { n++ }
         { pending = 0 }
         /containers:[ \t]*\[/ { n++ }
         END { print n + 0 }' "$1"
}

# ---------------------------------------------------------------------------------------------
# The stream: each flat corpus file as a piece `---\n<file>[\n]`, pieces repeated in name order
# until the target size is reached. The last piece is cut at its first document marker (a line
# starting with `---`) at or past the target, so the stream is whole documents and at most one
# document over the target; every stream is a prefix of any larger one.

pieces=()
prepare_pieces() {
    local file piece i=0
    mkdir -p "$work/pieces"
    for file in "$corpus"/*.yaml; do
        [[ -f $file ]] || continue
        piece=$(printf '%s/pieces/%03d.yaml' "$work" "$i")
        {
            printf -- '---\n'
            cat -- "$file"
            if [[ -s $file && -n $(tail -c 1 -- "$file") ]]; then printf '\n'; fi
        } >"$piece"
        pieces+=("$piece")
        i=$((i + 1))
    done
    ((${#pieces[@]})) || die "no *.yaml files in $corpus"
    cat -- "${pieces[@]}" >"$work/pass.yaml"
}

# make_stream MB OUT
make_stream() {
    local target size=0 pass_bytes piece piece_bytes offset
    target=$(calc '%.0f' "$1 * 1000000")
    pass_bytes=$(file_bytes "$work/pass.yaml")
    : >"$2"
    while ((size + pass_bytes < target)); do
        cat -- "$work/pass.yaml" >>"$2"
        size=$((size + pass_bytes))
    done
    for piece in "${pieces[@]}"; do
        piece_bytes=$(file_bytes "$piece")
        if ((size + piece_bytes < target)); then
            cat -- "$piece" >>"$2"
            size=$((size + piece_bytes))
            continue
        fi
        # Byte offset of the first marker line at or past the target, else the whole piece.
        offset=$(grep -b -- '^---' "$piece" | cut -d : -f 1 |
            awk -v need=$((target - size)) '$1 >= need { print; found = 1; exit }
                END { if (!found) print -1 }')
        if ((offset < 0)); then cat -- "$piece"; else head -c "$offset" -- "$piece"; fi >>"$2"
        break
    done
}

# stream_for MB: path of the stream of that size, generated once.
stream_for() {
    local path=$work/stream-$1MB.yaml
    [[ -f $path ]] || make_stream "$1" "$path"
    printf '%s\n' "$path"
}

# kustomize refuses two resources with the same kind/name/namespace, and the repeated corpus has
# many, so its copy gets `-b<document number>` appended to each document's metadata.name (text
# edit, block and flow style; the stream keeps its size within a fraction of a percent).
make_unique_names() {
    awk -v q="'" '
        BEGIN { name_re = "^[ \t]+name:[ \t]*[\"" q "]?[^\"" q " \t\r#,]+" }
        /^---/ { doc++; in_meta = renamed = 0; indent = -1; print; next }
        renamed { print; next }
        /^metadata:/ || /^[ \t]+metadata:[ \t]*[{]/ { in_meta = 1; indent = -1; print; next }
        in_meta {
            if ($0 !~ /^[ \t\r]*(#|$)/) {
                if ($0 !~ /^[ \t]/) in_meta = 0
                else {
                    match($0, /^[ \t]+/)
                    if (indent < 0) indent = RLENGTH
                    if (RLENGTH == indent && match($0, name_re)) {
                        $0 = substr($0, 1, RLENGTH) "-b" doc substr($0, RLENGTH + 1)
                        renamed = 1
                    }
                }
            }
        }
        { print }' "$1"
}

# ---------------------------------------------------------------------------------------------
# Measuring

pin=()
if command -v taskset >/dev/null && taskset -c "$cpu" true 2>/dev/null; then
    pin=(taskset -c "$cpu")
fi
have_time=0
[[ -x /usr/bin/time ]] && have_time=1
have_python=0
command -v python3 >/dev/null && have_python=1

# Fallback when /usr/bin/time is missing: wall clock and the children's peak RSS from python3.
py_measure='
import resource, subprocess, sys, time
stdin, stdout, stderr, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with open(stdin, "rb") as i, open(stdout, "wb") as o, open(stderr, "wb") as e:
    start = time.perf_counter()
    rc = subprocess.call(cmd, stdin=i, stdout=o, stderr=e)
    wall = time.perf_counter() - start
print("%.4f %d %d" % (wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc if rc >= 0 else 128 - rc))
'

# measure_once STDIN STDOUT STDERR CMD...: sets m_secs, m_rss_kb, m_rc.
measure_once() {
    local in=$1 out=$2 err=$3 t0 t1 line
    shift 3
    m_rc=0
    if ((have_time)); then
        t0=$EPOCHREALTIME
        /usr/bin/time -f '%e %M' -o "$work/time.out" "${pin[@]}" "$@" <"$in" >"$out" 2>"$err" || m_rc=$?
        t1=$EPOCHREALTIME
        m_secs=$(calc '%.4f' "$t1 - $t0")
        read -r _ m_rss_kb < <(tail -n 1 "$work/time.out")
    elif ((have_python)); then
        line=$(python3 -c "$py_measure" "$in" "$out" "$err" "${pin[@]}" "$@")
        read -r m_secs m_rss_kb m_rc <<<"$line"
    else
        t0=$EPOCHREALTIME
        "${pin[@]}" "$@" <"$in" >"$out" 2>"$err" || m_rc=$?
        t1=$EPOCHREALTIME
        m_secs=$(calc '%.4f' "$t1 - $t0")
        m_rss_kb=
    fi
}

# measure RUNS INPUT STDIN CMD...: runs CMD RUNS times with the INPUT file warm in page cache and
# stdout to /dev/null; sets best_secs (fastest), best_rss_kb (highest of the runs) and last_err
# (stderr of the last run). Returns 1 on the first failing run.
measure() {
    local runs=$1 input=$2 in=$3 i
    shift 3
    best_secs='' best_rss_kb=''
    last_err=$work/last.err
    for ((i = 0; i < runs; i++)); do
        cat -- "$input" >/dev/null
        measure_once "$in" /dev/null "$last_err" "$@"
        ((m_rc == 0)) || return 1
        if [[ -z $best_secs ]] || is_true "$m_secs < $best_secs"; then
            best_secs=$m_secs
        fi
        if [[ -n $m_rss_kb ]] && { [[ -z $best_rss_kb ]] || ((m_rss_kb > best_rss_kb)); }; then
            best_rss_kb=$m_rss_kb
        fi
    done
}

# ---------------------------------------------------------------------------------------------
# Results: one row per measurement.

row_tool=() row_mb=() row_secs=() row_mbs=() row_rss=() row_note=()

# add_row TOOL INPUT NOTE (from the last measure)
add_row() {
    local mb rss=n/a
    mb=$(mb_of "$2")
    [[ -n $best_rss_kb ]] && rss=$(calc '%.1f' "$best_rss_kb / 1024")
    row_tool+=("$1")
    row_mb+=("$mb")
    row_secs+=("$(calc '%.3f' "$best_secs")")
    row_mbs+=("$(calc '%.1f' "$(file_bytes "$2") / 1000000 / $best_secs")")
    row_rss+=("$rss")
    row_note+=("$3")
}

skipped=()
skip() { skipped+=("$1: $2"); }

show_failure() {
    echo "--- stderr of the failed run (last 20 lines):" >&2
    tail -n 20 "$last_err" >&2 || true
}

# ---------------------------------------------------------------------------------------------
# acr-inject

acr_env=(env -u ACR_INJECT_REGISTRY -u ACR_INJECT_USERNAME -u ACR_INJECT_SECRET_NAME
    -u ACR_INJECT_PASSWORD ACR_INJECT_PASSWORD=bench-password)

if [[ -z $bin ]]; then
    log "building acr-inject: cargo build --release --bin acr-inject"
    (cd "$repo" && cargo build --release --bin acr-inject >&2) || die "cargo build --release failed"
    built=${CARGO_TARGET_DIR:-$repo/target}/release/acr-inject
    [[ $built == /* ]] || built=$repo/$built
    [[ -x $built ]] || die "no executable acr-inject at $built"
    # A copy, so that another build in the same tree cannot swap the binary mid-run.
    bin=$work/acr-inject
    cp -- "$built" "$bin"
fi
[[ -x $bin ]] || die "no executable acr-inject at $bin"

acr_default=("${acr_env[@]}" "$bin" -r myregistry -u bench-user)
acr_stream=("${acr_default[@]}" --stream)
acr_no_secret=("${acr_env[@]}" "$bin" --no-secret)

# ---------------------------------------------------------------------------------------------
# Peers

peer_versions=()
gojq_cmd=() yq_cmd=() yq_label='' kustomize_cmd=() kustomize_label='' ruamel_cmd=()

if command -v gojq >/dev/null; then
    gojq_cmd=(gojq --yaml-input --yaml-output .)
    peer_versions+=("$(gojq --version 2>&1 | head -n 1)")
else
    skip gojq "not on PATH (apt-get install gojq)"
fi

if ! command -v yq >/dev/null; then
    skip yq "not on PATH"
elif ! yq_version=$(yq --version 2>&1); then
    skip yq "\`yq --version\` failed: ${yq_version//$'\n'/ }"
elif [[ $yq_version == *mikefarah* || $yq_version == *"version v4"* ]]; then
    yq_cmd=(yq eval .) yq_label="yq eval . (Go yq)"
    peer_versions+=("$yq_version")
else
    # kislyuk's Python yq (Debian's package yq): jq behind a YAML loader.
    yq_cmd=(yq -y .) yq_label="yq -y . (Python yq)"
    peer_versions+=("Python $yq_version")
fi

if command -v kustomize >/dev/null; then
    kustomize_cmd=(kustomize build) kustomize_label="kustomize build"
    peer_versions+=("kustomize $(kustomize version 2>&1 | head -n 1)")
elif command -v kubectl >/dev/null && kubectl kustomize --help >/dev/null 2>&1; then
    kustomize_cmd=(kubectl kustomize) kustomize_label="kubectl kustomize"
    peer_versions+=("kubectl $(kubectl version --client 2>/dev/null | tr '\n' ' ' | sed 's/ *$//')")
else
    skip kustomize "neither kustomize nor kubectl (with kustomize) on PATH"
fi

ruamel_py='
import sys
from ruamel.yaml import YAML
yaml = YAML()
yaml.preserve_quotes = True
yaml.dump_all(yaml.load_all(sys.stdin), sys.stdout)
'
if ((!have_python)); then
    skip ruamel.yaml "no python3"
elif python3 -c 'import ruamel.yaml' 2>/dev/null; then
    ruamel_cmd=(python3 -c "$ruamel_py")
    peer_versions+=("ruamel.yaml $(python3 -c 'import ruamel.yaml; print(ruamel.yaml.__version__)')")
else
    skip ruamel.yaml "python3 cannot import ruamel.yaml (pip install ruamel.yaml)"
fi

# kustomize reads a directory: a kustomization listing the stream (copied in with unique names)
# and one JSON6902 patch adding imagePullSecrets to every Deployment.
kustomize_dir_for() {
    local dir=$work/kustomize-$1MB
    if [[ ! -d $dir ]]; then
        mkdir -p "$dir"
        make_unique_names "$(stream_for "$1")" >"$dir/stream.yaml"
        cat >"$dir/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - stream.yaml
patches:
  - target:
      kind: Deployment
    patch: |-
      - op: add
        path: /spec/template/spec/imagePullSecrets
        value:
          - name: acr-secret
EOF
    fi
    printf '%s\n' "$dir"
}

# peer_input NAME MB: sets p_cmd (the command line), p_input (the file it reads, for MB/s and the
# page cache) and p_stdin. kustomize reads its directory; every other peer reads stdin.
peer_input() {
    local dir
    if [[ $1 == kustomize ]]; then
        dir=$(kustomize_dir_for "$2")
        p_cmd=("${kustomize_cmd[@]}" "$dir") p_input=$dir/stream.yaml p_stdin=/dev/null
    else
        local -n base=${1}_cmd
        p_input=$(stream_for "$2")
        p_cmd=("${base[@]}") p_stdin=$p_input
    fi
}

# run_peer LABEL NAME: one trial run on the slice; if it projects to within the budget at --size,
# the peer is measured at --size, else on the slice (labelled as such).
run_peer() {
    local label=$1 name=$2 mb=$size_mb note='' projected
    if [[ $peer_size_mb != "$size_mb" ]]; then
        peer_input "$name" "$peer_size_mb"
        log "$label: trial run on the $peer_size_mb MB slice"
        if ! measure 1 "$p_input" "$p_stdin" "${p_cmd[@]}"; then
            skip "$label" "failed (exit $m_rc) on $peer_size_mb MB: $(tail -n 1 "$last_err")"
            return 0
        fi
        projected=$(calc '%.1f' "$best_secs * $size_mb / $peer_size_mb")
        if is_true "$projected > $peer_budget"; then
            mb=$peer_size_mb
            note="slice (projected ${projected}s at $size_mb MB)"
        fi
    fi
    peer_input "$name" "$mb"
    log "$label: $repeat run(s) on $mb MB"
    if ! measure "$repeat" "$p_input" "$p_stdin" "${p_cmd[@]}"; then
        skip "$label" "failed (exit $m_rc) on $mb MB: $(tail -n 1 "$last_err")"
        return 0
    fi
    add_row "$label" "$p_input" "$note"
}

# ---------------------------------------------------------------------------------------------
# Go

log "corpus: $corpus; work dir: $work"
prepare_pieces
main=$(stream_for "$size_mb")
slice=$(stream_for "$peer_size_mb")

echo "acr-inject throughput benchmark"
echo "  machine:  $(grep -m 1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), $(nproc) cores, $(uname -sr)"
if ((${#pin[@]})); then
    echo "  pinning:  ${pin[*]}"
else
    echo "  pinning:  none (taskset missing or core $cpu unusable)"
fi
if ((have_time)); then
    echo "  timing:   wall clock (bash \$EPOCHREALTIME) around /usr/bin/time -f '%e %M' (peak RSS)"
elif ((have_python)); then
    echo "  timing:   /usr/bin/time missing: python3 perf_counter and getrusage(RUSAGE_CHILDREN)"
    # A child records the RSS of the python3 it was forked from when it execs: that is a floor.
    measure_once /dev/null /dev/null /dev/null true
    echo "            (peak RSS cannot read below python3's own $(calc '%.1f' "$m_rss_kb / 1024") MiB, as measured for \`true\`)"
else
    echo "  timing:   /usr/bin/time and python3 missing: wall clock only, no peak RSS"
fi
echo "  binary:   ${built:-$bin} ($("$bin" --version 2>/dev/null || echo 'version unknown'))"
if [[ -n $built ]]; then
    echo "  tree:     $(git -C "$repo" describe --always --dirty 2>/dev/null || echo 'not a git checkout')"
fi
if ((${#peer_versions[@]})); then
    printf '  peer:     %s\n' "${peer_versions[@]}"
fi
echo "  repeats:  $repeat (fastest wall time; highest peak RSS)"
streams=("$main")
[[ $slice == "$main" ]] || streams+=("$slice")
for stream in "${streams[@]}"; do
    printf '  stream:   %s MB, ~%s documents, ~%s pod specs (%s)\n' "$(mb_of "$stream")" \
        "$(count_documents "$stream")" "$(count_pod_specs "$stream")" \
        "$([[ $stream == "$main" ]] && echo main || echo 'peer slice')"
done
echo

# Sanity checks on the slice (the main stream itself in --quick).
log "checking acr-inject output on the $peer_size_mb MB stream"
check_run() { # NAME OUT CMD...
    local name=$1 out=$2
    shift 2
    measure_once "$slice" "$out" "$work/check.err" "$@"
    if ((m_rc != 0)); then
        last_err=$work/check.err
        show_failure
        die "acr-inject $name failed (exit $m_rc)"
    fi
    [[ -s $out ]] || die "acr-inject $name printed nothing"
}
check_run default "$work/out-default.yaml" "${acr_default[@]}"
check_run --stream "$work/out-stream.yaml" "${acr_stream[@]}"
check_run --no-secret "$work/out-no-secret.yaml" "${acr_no_secret[@]}"
cmp -s "$work/out-default.yaml" "$work/out-stream.yaml" ||
    die "default and --stream outputs differ ($(cmp "$work/out-default.yaml" "$work/out-stream.yaml" 2>&1 || true))"
grep -q 'imagePullSecrets' "$work/out-default.yaml" || die "default output holds no imagePullSecrets"
grep -q '^kind: Secret' "$work/out-default.yaml" || die "default output holds no Secret"
echo "checks:     default, --stream and --no-secret succeed with output; default == --stream byte for byte"
echo
rm -f "$work"/out-*.yaml

# cat into a pipe read by a second cat, both on the pinned core: across cores, the pipe's
# wake-ups cost more than the copying (about 4x slower on a 2-core VM).
log "cat: $repeat run(s) on $size_mb MB"
measure "$repeat" "$main" "$main" sh -c 'cat | cat >/dev/null' || die "cat failed"
add_row "cat | cat" "$main" "to a pipe"
cat_mbs=${row_mbs[-1]}

for mode in default --stream --no-secret; do
    case $mode in
        default) cmd=("${acr_default[@]}") ;;
        --stream) cmd=("${acr_stream[@]}") ;;
        --no-secret) cmd=("${acr_no_secret[@]}") ;;
    esac
    log "acr-inject $mode: $repeat run(s) on $size_mb MB"
    measure "$repeat" "$main" "$main" "${cmd[@]}" || { show_failure; die "acr-inject $mode failed (exit $m_rc)"; }
    add_row "acr-inject $mode" "$main" ""
    case $mode in
        default) acr_mbs=${row_mbs[-1]} ;;
        --stream) stream_rss=${row_rss[-1]} ;;
    esac
done

if ((${#gojq_cmd[@]})); then run_peer "gojq . (YAML)" gojq; fi
if ((${#yq_cmd[@]})); then run_peer "$yq_label" yq; fi
if ((${#kustomize_cmd[@]})); then run_peer "$kustomize_label + patch" kustomize; fi
if ((${#ruamel_cmd[@]})); then run_peer "ruamel.yaml round trip" ruamel; fi

echo "Throughput (input MB = 10^6 bytes read; x acr-inject = acr-inject default MB/s / tool MB/s)"
fmt='%-28s %9s %9s %9s %9s %12s  %s\n'
# shellcheck disable=SC2059 # the format is the constant above
printf "$fmt" tool "input MB" seconds "MB/s" "RSS MiB" "x acr-inject" note
gojq_mbs=
for i in "${!row_tool[@]}"; do
    ratio=$(calc '%.2f' "$acr_mbs / ${row_mbs[i]}")
    # shellcheck disable=SC2059
    printf "$fmt" "${row_tool[i]}" "${row_mb[i]}" "${row_secs[i]}" "${row_mbs[i]}" "${row_rss[i]}" \
        "$ratio" "${row_note[i]}"
    [[ ${row_tool[i]} == gojq* ]] && gojq_mbs=${row_mbs[i]}
done
echo
echo "acr-inject default vs cat: cat is $(calc '%.1f' "$cat_mbs / $acr_mbs")x faster"
if ((${#skipped[@]})); then
    echo "Skipped peers:"
    printf '  %s\n' "${skipped[@]}"
fi
echo

# Linearity of the default mode (and --stream's memory) over sizes 1, 10, 100, ... MB.
lin_sizes=()
for ((mb = 1; mb <= ${linear_max%.*}; mb *= 10)); do lin_sizes+=("$mb"); done
lin_mbs=() lin_stream_rss=()
if ((${#lin_sizes[@]})); then
    echo "Linearity (acr-inject default, and --stream's memory)"
    lfmt='%9s %9s %9s %9s %11s %11s\n'
    # shellcheck disable=SC2059
    printf "$lfmt" "input MB" seconds "MB/s" "RSS MiB" "stream s" "stream RSS"
    for mb in "${lin_sizes[@]}"; do
        input=$(stream_for "$mb")
        log "linearity: $mb MB"
        measure "$repeat" "$input" "$input" "${acr_default[@]}" || { show_failure; die "acr-inject failed at $mb MB"; }
        d_secs=$best_secs d_rss=${best_rss_kb:-0}
        measure "$repeat" "$input" "$input" "${acr_stream[@]}" || { show_failure; die "acr-inject --stream failed at $mb MB"; }
        s_secs=$best_secs s_rss=${best_rss_kb:-0}
        lin_mbs+=("$(calc '%.1f' "$(file_bytes "$input") / 1000000 / $d_secs")")
        lin_stream_rss+=("$(calc '%.1f' "$s_rss / 1024")")
        # shellcheck disable=SC2059
        printf "$lfmt" "$(mb_of "$input")" "$(calc '%.3f' "$d_secs")" "${lin_mbs[-1]}" \
            "$(calc '%.1f' "$d_rss / 1024")" "$(calc '%.3f' "$s_secs")" "${lin_stream_rss[-1]}"
        [[ $mb == "$size_mb" ]] || rm -f -- "$input"
    done
    echo
fi

# Targets, from the project's "Speed and memory" issue.
if ((quick)); then
    echo "Targets: not judged in --quick mode (2 MB is too small to be representative)"
    exit 0
fi
verdict() { if is_true "$1"; then echo met; else echo "NOT met"; fi; }
target() { printf '  %-44s %s\n' "$1:" "$2"; }
echo "Targets (from the \"Speed and memory\" issue)"
target "default >= 300 MB/s on the $size_mb MB stream" "$acr_mbs MB/s, $(verdict "$acr_mbs >= 300")"
if [[ -n $gojq_mbs ]]; then
    ratio=$(calc '%.1f' "$acr_mbs / $gojq_mbs")
    target ">= 40x gojq identity" "${ratio}x, $(verdict "$ratio >= 40")"
else
    target ">= 40x gojq identity" "not judged (gojq did not run)"
fi
ratio=$(calc '%.1f' "$cat_mbs / $acr_mbs")
target "within 7x of cat" "${ratio}x, $(verdict "$ratio <= 7")"
max_rss=$stream_rss
for rss in "${lin_stream_rss[@]}"; do
    max_rss=$(calc '%.1f' "($rss > $max_rss) ? $rss : $max_rss")
done
target "--stream peak RSS <= 64 MiB at any size" "${max_rss} MiB at most, $(verdict "$max_rss <= 64")"
if ((${#lin_mbs[@]} >= 3)); then
    # The 1 MB row is mostly start-up; compare the largest size's MB/s with 10 MB's.
    ratio=$(calc '%.2f' "${lin_mbs[-1]} / ${lin_mbs[1]}")
    target "linear (MB/s at ${lin_sizes[-1]} MB >= 0.8x at 10 MB)" "${ratio}x, $(verdict "$ratio >= 0.8")"
else
    target "linear scaling" "not judged (--linear-max below 100)"
fi
