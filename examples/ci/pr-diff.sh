#!/bin/sh
# Pull-request check for one host: evaluates its volplan manifest at the base and at the head
# of the pull request and shows what the change would do to the host's volumes, as Markdown.
#
#   pr-diff.sh HOST BASE_REF [HEAD_REF] > diff.md
#
# Run from the flake's checkout with the base revision fetched (GitHub's actions/checkout needs
# fetch-depth: 0); needs nix (flakes enabled) and git. A host missing at the base (added by the
# pull request) or at the head (removed by it), or without volplan enabled there, is compared
# with an empty manifest; a host missing at both is an error.
#
# volplan runs as $VOLPLAN (a command, split on spaces: VOLPLAN="node dist/volplan.cjs"), else
# `volplan` from PATH, else the flake's own `volplan` input (nix run --inputs-from . volplan);
# never `nix run .#default`, which in a fleet's flake is the fleet's app.
#
# Exit status, as `volplan diff --detailed-exitcode` and examples/ci/fleet-diff.sh: 0 no
# changes, 2 changes, 3 refusals (a shrink, a filesystem change), 1 error. To fail a pull
# request only on refusals and errors: pr-diff.sh web origin/main > diff.md || [ $? -eq 2 ]
set -eu

if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
  echo "usage: $0 HOST BASE_REF [HEAD_REF]" >&2
  exit 1
fi
host=$1
base_ref=$2
head_ref=${3:-HEAD}
case $host in
  '' | .* | *[!A-Za-z0-9_.-]*)
    echo "$0: host name \"$host\" is not a NixOS configuration name this script accepts" >&2
    exit 1
    ;;
esac

if [ -n "${VOLPLAN-}" ]; then
  volplan=$VOLPLAN
elif command -v volplan > /dev/null 2>&1; then
  volplan=volplan
else
  volplan="nix run --inputs-from . volplan --"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT HUP INT TERM
printf '{ "version": 1 }\n' > "$work/empty.json"
top=$(git rev-parse --show-toplevel) || exit 1

# Writes the host's manifest at a revision to $2; "null" when the flake has no such host there.
manifest_at() {
  rev=$(git rev-parse --verify --quiet "$1^{commit}") || {
    echo "$0: no commit $1 in this checkout (CI checkouts need the base revision: fetch-depth: 0)" >&2
    exit 1
  }
  nix eval --json "git+file://$top?rev=$rev#nixosConfigurations" --apply "
    configs: let c = configs.\"$host\" or null; in
      if c == null then null
      else if c.config.services ? volplan && c.config.services.volplan.enable
        then c.config.services.volplan.manifest
        else { version = 1; }" > "$2" || exit 1
}

manifest_at "$base_ref" "$work/old.json"
manifest_at "$head_ref" "$work/new.json"
missing=0
for side in old new; do
  if [ "$(cat "$work/$side.json")" = null ]; then
    cp "$work/empty.json" "$work/$side.json"
    missing=$((missing + 1))
  fi
done
if [ "$missing" -eq 2 ]; then
  echo "$0: no NixOS configuration \"$host\" at $base_ref or at $head_ref" >&2
  exit 1
fi

# Why unquoted: $volplan is a command with its arguments; -f keeps its words from globbing.
set +e -f
$volplan diff "$work/old.json" "$work/new.json" --markdown --detailed-exitcode
code=$?
set -e +f
case $code in
  0 | 2 | 3) exit "$code" ;;
  *) exit 1 ;;
esac
