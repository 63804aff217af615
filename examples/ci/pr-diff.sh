#!/bin/sh
# Pull-request check for one host: evaluates its volplan manifest at the base and at the head
# of the pull request and shows what the change would do to the host's volumes, as Markdown.
# Fails (exit 3) when the change would be refused on the host (a shrink, a filesystem change).
#
#   pr-diff.sh HOST BASE_REF [HEAD_REF] > diff.md
#
# Run from the flake's checkout; needs nix (flakes enabled) and git.
set -eu

if [ "$#" -lt 2 ]; then
  echo "usage: $0 HOST BASE_REF [HEAD_REF]" >&2
  exit 1
fi
host=$1
base_ref=$2
head_ref=${3:-HEAD}
attr="nixosConfigurations.$host.config.services.volplan.manifest"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT HUP INT TERM

base_rev=$(git rev-parse "$base_ref")
head_rev=$(git rev-parse "$head_ref")
nix eval --json "git+file://$PWD?rev=$base_rev#$attr" > "$work/old.json"
nix eval --json "git+file://$PWD?rev=$head_rev#$attr" > "$work/new.json"

# 0 no changes, 2 changes: both fine for a pull request; 3 refusals and 1 errors fail it.
set +e
nix run .#default -- diff "$work/old.json" "$work/new.json" --markdown --detailed-exitcode
code=$?
set -e
if [ "$code" -eq 2 ]; then exit 0; fi
exit "$code"
