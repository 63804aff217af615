# Generated from schema/manifest.schema.json by scripts/nix-options.mjs. Do not edit.
# Option declarations for every object of the manifest; nix/module.nix builds services.volplan
# from them. Integer sizes are bytes, as in the manifest. Optional values default to null
# and are left out of the manifest, so volplan's own defaults apply.
{ lib }:
let
  t = lib.types;
  size = t.either (t.ints.positive) (t.strMatching "[0-9]+(\\.[0-9]+)?[ ]?([KMGTP]i?B?|[kK]B?|B)?");
  options = {
    policy = {
      reserve = lib.mkOption {
        type = t.nullOr (t.either (t.ints.unsigned) (t.strMatching "([0-9]+(\\.[0-9]+)?%|[0-9]+(\\.[0-9]+)?[ ]?([KMGTP]i?B?|[kK]B?|B)?)"));
        default = null;
        description = "Free space to leave untouched on every host filesystem a plan writes to: a percentage of the filesystem's size (\"5%\") or a size (\"2GiB\", bytes as an integer). Defaults to \"5%\".";
      };
      overcommit = lib.mkOption {
        type = t.nullOr (t.enum [ "warn" "refuse" "ignore" ]);
        default = null;
        description = "What to do when the declared sizes of sparse volumes on one filesystem exceed its free space (they could fill it as guests write): \"warn\" (default), \"refuse\" the volumes that overcommit, or \"ignore\".";
      };
    };
    format = {
      type = lib.mkOption {
        type = t.enum [ "ext2" "ext3" "ext4" "xfs" "btrfs" "vfat" "swap" "none" ];
        description = "Filesystem type; \"none\" leaves the image raw (for example a disk the guest partitions itself).";
      };
      label = lib.mkOption {
        type = t.nullOr (t.str);
        default = null;
        description = "Filesystem label. Limits: ext2/3/4 16 bytes, xfs 12, btrfs 255, vfat 11 (upper case), swap 16.";
      };
      uuid = lib.mkOption {
        type = t.nullOr (t.strMatching "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
        default = null;
        description = "Filesystem UUID to set at creation (ext2/3/4, xfs, btrfs, swap). Existing images are not changed.";
      };
      mkfsArgs = lib.mkOption {
        type = t.nullOr (t.listOf (t.str));
        default = null;
        description = "Extra arguments passed to mkfs at creation, after volplan's own (for example [\"-O\", \"^has_journal\"]). Never passed through a shell.";
      };
    };
    seed = {
      from = lib.mkOption {
        type = t.path;
        description = "Absolute path of the base image, for example a raw image in the Nix store.";
      };
      mode = lib.mkOption {
        type = t.nullOr (t.enum [ "copy" "backing" ]);
        default = null;
        description = "\"copy\" (default): the volume is a copy of the base image (for a qcow2 volume, converted to qcow2). \"backing\" (imageFormat \"qcow2\" only): a thin qcow2 overlay that reads the base image and stores only what the guest writes; the overlay records the base's path and format, so the base must stay where it is, unchanged.";
      };
    };
    volume = {
      kind = lib.mkOption {
        type = t.nullOr (t.enum [ "image" "block-device" ]);
        default = null;
        description = "\"image\" (default): a file volplan creates, grows and keeps in shape. \"block-device\": an existing device (zvol, LVM logical volume) that volplan only checks for existence and size; it never writes to it.";
      };
      path = lib.mkOption {
        type = t.str;
        description = "Absolute path of the image file or block device. No \"..\" components.";
      };
      size = lib.mkOption {
        type = size;
        description = "Size the image must have (or the minimum size of a block device). Raising it grows the image and its filesystem; lowering it is refused, never applied.";
      };
      imageFormat = lib.mkOption {
        type = t.nullOr (t.enum [ "raw" "qcow2" ]);
        default = null;
        description = "Format of the image file: \"raw\" (default; the file holds the bytes the guest sees) or \"qcow2\" (created, converted and grown with qemu-img). volplan does not read the filesystem inside a qcow2 image: it makes it at creation, and the guest grows it.";
      };
      allocation = lib.mkOption {
        type = t.nullOr (t.enum [ "sparse" "preallocate" "zero" ]);
        default = null;
        description = "How the image's space is taken at creation and growth: \"sparse\" (default; holes, space used as the guest writes), \"preallocate\" (reserved up front with fallocate, falling back to sparse with a warning where the filesystem cannot), or \"zero\" (zeros written out).";
      };
      format = lib.mkOption {
        type = t.nullOr (t.submodule { options = options.format; });
        default = null;
        description = "The filesystem to create inside the image when volplan creates it. volplan never reformats an existing image.";
      };
      seed = lib.mkOption {
        type = t.nullOr (t.submodule { options = options.seed; });
        default = null;
        description = "Create the volume from a base image instead of formatting it: a copy (holes kept, reflinked where the filesystem can), or, for a qcow2 volume, a thin overlay whose backing file is the base.";
      };
      growFilesystem = lib.mkOption {
        type = t.nullOr (t.enum [ "auto" "host" "guest" ]);
        default = null;
        description = "Who grows the filesystem after the image grows: \"auto\" (default: the host for ext2/3/4 offline, the guest for xfs and btrfs), \"host\" (xfs and btrfs through a temporary private loop mount), or \"guest\" (only the file grows; the guest grows its filesystem, for example with x-systemd.growfs).";
      };
      owner = lib.mkOption {
        type = t.nullOr (t.either (t.strMatching "[a-z_][a-z0-9_.-]*\\$?") (t.ints.between 0 4294967294));
        default = null;
        description = "Owner of the image: a user name or a numeric uid. Defaults to root.";
      };
      group = lib.mkOption {
        type = t.nullOr (t.either (t.strMatching "[a-z_][a-z0-9_.-]*\\$?") (t.ints.between 0 4294967294));
        default = null;
        description = "Group of the image: a group name or a numeric gid. Defaults to root.";
      };
      mode = lib.mkOption {
        type = t.nullOr (t.strMatching "0?[0-7]{3}");
        default = null;
        description = "Permission bits of the image as an octal string such as \"0660\". Defaults to \"0600\".";
      };
    };
    artifact = {
      urls = lib.mkOption {
        type = t.nullOr (t.listOf (t.str));
        default = null;
        description = "Where to download the artifact from, tried in order (mirrors). https, http or file URLs.";
      };
      hash = lib.mkOption {
        type = t.nullOr (t.str);
        default = null;
        description = "The artifact's sha256: SRI (\"sha256-<base64>\"), \"sha256:<hex or nix32>\", or bare hex (64 chars) or nix32 (52 chars). Always printed as SRI.";
      };
      fileName = lib.mkOption {
        type = t.nullOr (t.str);
        default = null;
        description = "File name to keep in the cache; keep the suffix tools look at (nixos-anywhere picks its decompressor from \".tar.gz\"). Defaults to the last component of the first URL.";
      };
      size = lib.mkOption {
        type = t.nullOr (size);
        default = null;
        description = "Expected size of the artifact, if known: counted in the space budget and checked after download.";
      };
      path = lib.mkOption {
        type = t.nullOr (t.path);
        default = null;
        description = "Absolute Nix store path of the artifact, used as it is (verified against hash if one is given, never copied). Mutually exclusive with urls.";
      };
    };
    manifest = {
      stateDir = lib.mkOption {
        type = t.nullOr (t.str);
        default = null;
        description = "Absolute directory where volplan keeps its lock, saved plans and the artifact cache. Defaults to /var/lib/volplan.";
      };
      policy = lib.mkOption {
        type = t.submodule { options = options.policy; };
        default = { };
        description = "Rules for space use across the whole plan.";
      };
      volumes = lib.mkOption {
        type = t.attrsOf (t.submodule { options = options.volume; });
        default = { };
        description = "Volumes keyed by a stable id such as \"web/root\". The id names the volume in plans and messages; renaming it is seen as removing one volume and adding another.";
      };
      artifacts = lib.mkOption {
        type = t.attrsOf (t.submodule { options = options.artifact; });
        default = { };
        description = "Boot artifacts (for example a kexec installer tarball) keyed by a short name such as \"kexec\", kept in a content-addressed cache under stateDir.";
      };
    };
  };
in
options
