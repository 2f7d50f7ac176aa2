#!/usr/bin/env bash
# Regenerates fixtures/kubectl-secret/<case>.yaml from fixtures/kubectl-secret/cases.tsv with a
# real kubectl, so that render_secret can be re-checked against any kubectl release:
#
#   scripts/regen-kubectl-goldens.sh /path/to/kubectl && cargo test --test kubectl_secret
#
# Needs bash >= 4.4 and jq (which decodes the JSON password column).
set -euo pipefail

kubectl=${1:?usage: $0 /path/to/kubectl}
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/fixtures/kubectl-secret"

# No kubeconfig, so that no context namespace leaks in; --dry-run=client needs no cluster.
export KUBECONFIG=/dev/null
"$kubectl" version --client >&2

rm -f "$dir"/*.yaml
while IFS= read -r line; do
    [[ -z $line || $line == '#'* || $line == case$'\t'* ]] && continue
    # jq splits the line at tabs, decodes the password and prints every field NUL-terminated, so
    # that a newline in the password survives.
    mapfile -d '' -t field < <(jq -Rj 'split("\t") | .[5] |= fromjson | .[] + "\u0000"' <<<"$line")
    if (( ${#field[@]} != 7 )); then
        echo "not 7 tab-separated columns: $line" >&2
        exit 1
    fi
    args=(create secret docker-registry "${field[1]}" --docker-server="${field[3]}"
        --docker-username="${field[4]}" --docker-password="${field[5]}" --dry-run=client -o yaml)
    if [[ ${field[2]} != - ]]; then args+=(--namespace="${field[2]}"); fi
    if [[ ${field[6]} != - ]]; then args+=(--docker-email="${field[6]}"); fi
    "$kubectl" "${args[@]}" >"$dir/${field[0]}.yaml"
done <"$dir/cases.tsv"
