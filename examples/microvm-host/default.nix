# A microvm.nix host with three guests, mapped to volplan volumes with fromMicrovms.
# The guest attribute sets have the shape of each guest's `microvm` options (sizes in MiB); on a
# real host the NixOS module reads them from config.microvm.vms (services.volplan.microvm.enable).
{ stateDir ? "/var/lib/microvms" }:
let
  volplan = import ../../nix/manifest.nix;
  guests = [
    {
      # A web server: its root image plus a writable /nix/store overlay, so `nix build` works
      # inside the guest. Raising the overlay's size grows the image and its filesystem before
      # the guest boots, instead of failing to mount the store at boot.
      name = "web";
      inherit stateDir;
      writableStoreOverlay = "/nix/.rw-store";
      volumes = [
        { image = "root.img"; size = 4096; label = "root"; mountPoint = "/"; }
        { image = "nix-store-overlay.img"; size = 8192; label = "nix-store"; mountPoint = "/nix/.rw-store"; }
      ];
    }
    {
      # A database with its data on xfs (grown from the host before the guest starts, since the
      # guest mounts it without x-systemd.growfs), its write-ahead log on a ZFS volume (an image
      # under /dev is a block device: volplan checks that it exists and is large enough, and
      # never writes to it), and a volume it manages itself (autoCreate = false: volplan leaves
      # it alone, as microvm.nix does).
      name = "db";
      inherit stateDir;
      volumes = [
        { image = "root.img"; size = 4096; mountPoint = "/"; }
        { image = "pgdata.img"; size = 20480; fsType = "xfs"; label = "pgdata"; mountPoint = "/var/lib/postgresql"; mkfsExtraArgs = [ "-m" "reflink=1" ]; }
        { image = "/dev/zvol/tank/db-wal"; size = 10240; mountPoint = "/wal"; }
        { image = "/srv/db/archive.img"; size = 65536; autoCreate = false; mountPoint = "/archive"; }
      ];
    }
    {
      # A CI runner whose store overlay is btrfs: the host grows that filesystem (growFilesystem
      # = "host", as for every xfs and btrfs guest volume), since the guest mounts the overlay in
      # its initrd before it could grow it.
      name = "ci-runner";
      inherit stateDir;
      writableStoreOverlay = "/nix/.rw-store";
      volumes = [
        { image = "nix-store-overlay.img"; size = 32768; fsType = "btrfs"; label = "nix-store"; mountPoint = "/nix/.rw-store"; }
        { image = "/srv/ci/cache.img"; size = 65536; label = "cache"; mountPoint = "/var/cache/ci"; }
      ];
    }
  ];
in
volplan.mkManifest {
  policy = { reserve = "10GiB"; overcommit = "warn"; };
  microvms = guests;
}
