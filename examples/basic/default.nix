# Quick-start example: a few small volumes for one VM, directly in a directory given as an
# argument (volplan creates images, not their directories).
#   nix-instantiate --eval --strict --json examples/basic --argstr baseDir /tmp/volplan-example
# manifest.json beside this file is that evaluation with the default baseDir.
{ baseDir ? "/tmp/volplan-example" }:
(import ../../nix/manifest.nix).mkManifest {
  imageDir = baseDir;
  volumes = {
    # The VM's root filesystem: an ext4 image, sparse, so it costs megabytes until written.
    "demo/root" = {
      path = "root.img";
      size = "1GiB";
      format = { type = "ext4"; label = "nixos"; };
    };
    # A swap image.
    "demo/swap" = {
      path = "swap.img";
      sizeMiB = 256;
      format = { type = "swap"; label = "swap"; };
    };
    # A raw disk the guest partitions itself.
    "demo/scratch" = {
      path = "scratch.img";
      size = "128MiB";
      format = "none";
    };
  };
}
