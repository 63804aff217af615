#!/bin/sh
# Writes the volplan manifest of every NixOS configuration of a flake to OUT_DIR/HOST.json, so a
# fleet diff is examples/ci/fleet-diff.sh over two such directories:
#
#   flake-manifests.sh "git+file://$PWD?rev=$(git rev-parse origin/main)" base
#   flake-manifests.sh . head
#   fleet-diff.sh base head > fleet.md
#
# Hosts without services.volplan, or with it disabled, are left out (fleet-diff.sh compares a
# host present on one side only with an empty manifest). Every host is evaluated in one
# `nix eval`. Needs nix with flakes enabled. OUT_DIR must be missing or empty, so no manifest of
# an earlier run is mistaken for a host. Exit status: 0 written, 1 usage or evaluation error.
set -eu

if [ "$#" -ne 2 ]; then
  echo "usage: $0 FLAKE OUT_DIR" >&2
  exit 1
fi
flake=$1
out=$2

if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "$0: $out is not empty; give a new or empty directory" >&2
  exit 1
fi
mkdir -p "$out"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT HUP INT TERM

# One line per host: its name, a tab, its manifest as JSON (toJSON writes no raw tab or newline).
nix eval --raw "$flake#nixosConfigurations" --apply '
  configs: builtins.concatStringsSep "" (map
    (host:
      let services = configs.${host}.config.services;
      in if services ? volplan && services.volplan.enable
        then "${host}\t${builtins.toJSON services.volplan.manifest}\n"
        else "")
    (builtins.attrNames configs))' > "$work/hosts"

tab=$(printf '\t')
written=0
status=0
while IFS="$tab" read -r host json; do
  case $host in
    '' | .* | *[!A-Za-z0-9_.-]*)
      echo "$0: host name \"$host\" is not a plain file name; not written" >&2
      status=1
      continue
      ;;
  esac
  printf '%s\n' "$json" > "$out/$host.json"
  written=$((written + 1))
done < "$work/hosts"

echo "$0: wrote $written manifest(s) to $out" >&2
exit "$status"
