# One host's manifest at two revisions, as CI sees them at the base and head of a pull request:
# the head grows web/root (a change) and shrinks db/data (a refusal: volplan never shrinks).
#   volplan diff base.json manifest.json --markdown --detailed-exitcode   # exits 3
# manifest.json is the head (revision = "head"); base.json is revision = "base".
{ revision ? "head" }:
let
  head = revision == "head";
in
(import ../../nix/manifest.nix).mkManifest {
  imageDir = "/var/lib/microvms";
  volumes = {
    "web/root" = {
      path = "web/root.img";
      size = if head then "16GiB" else "8GiB";
      format = { type = "ext4"; label = "root"; };
      owner = "microvm";
      group = "kvm";
      mode = "0660";
    };
    "db/data" = {
      path = "db/data.img";
      size = if head then "20GiB" else "40GiB";
      format = { type = "xfs"; label = "data"; };
      owner = "microvm";
      group = "kvm";
      mode = "0660";
    };
  };
}
