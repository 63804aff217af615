# NixOS VM test (pkgs.testers.runNixOSTest): volplan.service creates the declared images at boot;
# a configuration that raises a size grows the image and its ext4 filesystem when switched to;
# dry activation of that configuration prints the plan and changes nothing.
{ lib, ... }:
let
  imageDir = "/var/lib/images";
  mib = 1024 * 1024;
in
{
  name = "volplan";

  nodes.machine = { pkgs, ... }: {
    imports = [ ../module.nix ];
    environment.systemPackages = [ pkgs.e2fsprogs ];
    systemd.tmpfiles.rules = [ "d ${imageDir} 0755 root root -" ];
    services.volplan = {
      enable = true;
      runAt = "activation";
      volumes = {
        "demo/root" = {
          path = "${imageDir}/root.img";
          size = "64MiB";
          format = { type = "ext4"; label = "root"; };
        };
        "demo/scratch" = {
          path = "${imageDir}/scratch.img";
          size = 32 * mib;
          format.type = "none";
          mode = "0640";
        };
      };
    };
    specialisation.bigger.configuration = {
      services.volplan.volumes."demo/root".size = lib.mkForce "128MiB";
    };
  };

  testScript = ''
    def image_size(path):
        return int(machine.succeed(f"stat -c %s {path}").strip())

    def ext4_size(path):
        header = machine.succeed(f"dumpe2fs -h {path} 2>/dev/null")
        fields = dict(line.split(":", 1) for line in header.splitlines() if ":" in line)
        return int(fields["Block count"]) * int(fields["Block size"])

    root = "${imageDir}/root.img"
    scratch = "${imageDir}/scratch.img"
    bigger = "/run/current-system/specialisation/bigger/bin/switch-to-configuration"

    machine.wait_for_unit("volplan.service")

    with subtest("boot creates every declared image"):
        assert image_size(root) == ${toString (64 * mib)}, image_size(root)
        assert ext4_size(root) == ${toString (64 * mib)}, ext4_size(root)
        machine.succeed(f"dumpe2fs -h {root} | grep -E 'Filesystem volume name:[[:space:]]+root$'")
        assert image_size(scratch) == ${toString (32 * mib)}, image_size(scratch)
        machine.succeed(f"test $(stat -c %a {scratch}) = 640")

    with subtest("a second run has nothing to do"):
        machine.succeed("volplan plan --manifest /etc/volplan/manifest.json --detailed-exitcode")

    with subtest("dry activation prints the grow and changes nothing"):
        before = machine.succeed(f"stat -c '%s %Y' {root}")
        output = machine.succeed(f"{bigger} dry-activate 2>&1")
        assert "volplan" in output, output
        assert machine.succeed(f"stat -c '%s %Y' {root}") == before

    with subtest("switching to a larger size grows the image and its filesystem"):
        machine.succeed(f"{bigger} test")
        assert image_size(root) == ${toString (128 * mib)}, image_size(root)
        assert ext4_size(root) == ${toString (128 * mib)}, ext4_size(root)
        machine.succeed(f"e2fsck -fn {root}")
        machine.succeed("volplan plan --manifest /etc/volplan/manifest.json --detailed-exitcode")
  '';
}
