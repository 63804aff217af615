#!/bin/sh
# Fleet diff: compares two directories of host manifests (one HOST.json per host, for example
# evaluated at the base and at the head of a pull request) with `volplan diff`, prints each
# host's plan as Markdown and ends with one summary table.
#
#   fleet-diff.sh BASE_DIR HEAD_DIR > fleet.md
#
# A host only in HEAD_DIR is compared with an empty manifest (everything is created); a host only
# in BASE_DIR with an empty one too (volplan warns that its volumes are left in place).
# examples/ci/flake-manifests.sh writes such a directory from a flake.
#
# volplan runs as $VOLPLAN (a command, split on spaces: VOLPLAN="node dist/volplan.cjs"), else
# `volplan` from PATH, else the current flake's own `volplan` input (nix run --inputs-from .
# volplan). Exit status, as `volplan diff --detailed-exitcode` and examples/ci/pr-diff.sh: 1 if
# any host failed to diff, else 3 if any host has refusals, else 2 if any host has changes,
# else 0.
set -u

if [ "$#" -ne 2 ] || [ ! -d "$1" ] || [ ! -d "$2" ]; then
  echo "usage: $0 BASE_DIR HEAD_DIR (two directories of HOST.json manifests)" >&2
  exit 1
fi
base=$1
head=$2
if [ -n "${VOLPLAN-}" ]; then
  volplan=$VOLPLAN
elif command -v volplan > /dev/null 2>&1; then
  volplan=volplan
else
  volplan="nix run --inputs-from . volplan --"
fi

work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT HUP INT TERM
printf '{ "version": 1 }\n' > "$work/empty.json"

# Host names from both directories, one per line, sorted and unique.
for f in "$base"/*.json "$head"/*.json; do
  [ -f "$f" ] || continue
  name=${f##*/}
  printf '%s\n' "${name%.json}"
done | sort -u > "$work/hosts"

unchanged=0
changed=0
refused=0
failed=0
: > "$work/table"

while IFS= read -r host; do
  old="$base/$host.json"
  new="$head/$host.json"
  [ -f "$old" ] || old="$work/empty.json"
  [ -f "$new" ] || new="$work/empty.json"
  # Why unquoted: $volplan is a command with its arguments; -f keeps its words from globbing.
  set -f
  $volplan diff "$old" "$new" --markdown --detailed-exitcode > "$work/out" 2>&1
  code=$?
  set +f
  case $code in
    0) status="no changes"; unchanged=$((unchanged + 1)) ;;
    2) status="changes"; changed=$((changed + 1)) ;;
    3) status="REFUSALS"; refused=$((refused + 1)) ;;
    *) status="FAILED (exit $code)"; failed=$((failed + 1)) ;;
  esac
  printf '## %s: %s\n\n' "$host" "$status"
  cat "$work/out"
  printf '\n'
  printf '| %s | %s |\n' "$host" "$status" >> "$work/table"
done < "$work/hosts"

total=$((unchanged + changed + refused + failed))
printf '## Summary\n\n'
printf '%s hosts: %s unchanged, %s with changes, %s with refusals, %s failed.\n\n' \
  "$total" "$unchanged" "$changed" "$refused" "$failed"
printf '| host | result |\n| --- | --- |\n'
cat "$work/table"

if [ "$failed" -gt 0 ]; then exit 1; fi
if [ "$refused" -gt 0 ]; then exit 3; fi
if [ "$changed" -gt 0 ]; then exit 2; fi
exit 0
