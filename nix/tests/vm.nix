# NixOS VM test (pkgs.testers.runNixOSTest) of a host shaped like a microvm.nix host: volplan
# creates the host's own images and each guest's images at boot, the guest's volplan unit runs
# before its microvm@ unit, and a dead artifact mirror keeps no VM from starting. Switching to a
# configuration that raises sizes (default settings) reloads volplan.service, which grows the
# host's image; the guest's image is held open by its running "VM", so it is left alone until
# the VM restarts, when its volplan unit grows it (ext4 and xfs) first. With applyOnActivation,
# dry activation prints the plan and changes nothing.
{ lib, ... }:
let
  imageDir = "/var/lib/images";
  stateDir = "/var/lib/microvms";
  mib = 1024 * 1024;

  # The artifact is served from a local "mirror" that is empty at boot.
  artifactText = "volplan test artifact";
  mirror = "/srv/mirror";

  # The part of microvm.nix's host module volplan works with: microvm.vms.<name>.config (an
  # evaluated guest whose config.microvm.volumes lists its images), install-microvm-<name>
  # (creates the guest's directory), and microvm@<name>, here a process that holds every image
  # of the guest open read-write as user microvm, as a VMM does.
  microvmShapedHost = { config, pkgs, ... }: {
    options.microvm = {
      host.enable = lib.mkOption { type = lib.types.bool; default = true; };
      stateDir = lib.mkOption { type = lib.types.str; default = stateDir; };
      vms = lib.mkOption {
        type = lib.types.attrsOf (lib.types.submodule {
          options.config = lib.mkOption { type = lib.types.attrs; };
        });
        default = { };
      };
    };

    config = {
      users.users.microvm = { isSystemUser = true; group = "kvm"; };
      systemd.targets.microvms = {
        wantedBy = [ "multi-user.target" ];
        wants = map (name: "microvm@${name}.service") (lib.attrNames config.microvm.vms);
      };
      systemd.services = lib.mkMerge (lib.mapAttrsToList
        (name: vm:
          let images = map (v: "${stateDir}/${name}/${v.image}") vm.config.config.microvm.volumes;
          in {
            "install-microvm-${name}" = {
              before = [ "microvm@${name}.service" ];
              partOf = [ "microvm@${name}.service" ];
              wantedBy = [ "microvms.target" ];
              serviceConfig.Type = "oneshot";
              script = ''
                mkdir -p ${stateDir}/${name}
                chown microvm:kvm ${stateDir}/${name}
              '';
            };
            "microvm@${name}" = {
              restartIfChanged = false;
              serviceConfig = { User = "microvm"; Group = "kvm"; };
              script = ''
                ${lib.concatImapStrings (i: image: "exec ${toString (i + 2)}<> ${image}\n") images}
                exec ${pkgs.coreutils}/bin/sleep infinity
              '';
            };
          })
        config.microvm.vms);
    };
  };

  guestVolumes = rootMiB: dataMiB: [
    { image = "root.img"; size = rootMiB; label = "root"; mountPoint = "/"; }
    { image = "data.img"; size = dataMiB; fsType = "xfs"; label = "data"; mountPoint = "/data"; }
  ];
in
{
  name = "volplan";

  nodes.machine = { pkgs, ... }: {
    imports = [ ../module.nix microvmShapedHost ];
    virtualisation.diskSize = 4096;
    environment.systemPackages = [ pkgs.e2fsprogs pkgs.xfsprogs ];
    systemd.tmpfiles.rules = [ "d ${imageDir} 0755 root root -" "d ${mirror} 0755 root root -" ];

    microvm.vms.web.config.config.microvm.volumes = guestVolumes 64 320;

    services.volplan = {
      enable = true;
      microvm.enable = true;
      volumes."host/scratch" = {
        path = "${imageDir}/scratch.img";
        size = 32 * mib;
        format = { type = "ext4"; label = "scratch"; };
        mode = "0640";
      };
      artifacts.tool = {
        urls = [ "file://${mirror}/tool.txt" ];
        hash = "sha256:${builtins.hashString "sha256" artifactText}";
      };
    };

    specialisation.bigger.configuration = {
      services.volplan.volumes."host/scratch".size = lib.mkForce (64 * mib);
      microvm.vms.web.config = lib.mkForce { config.microvm.volumes = guestVolumes 128 400; };
    };

    specialisation.activation.configuration = {
      services.volplan.applyOnActivation = true;
      services.volplan.volumes."host/scratch".size = lib.mkForce (96 * mib);
      microvm.vms.web.config = lib.mkForce { config.microvm.volumes = guestVolumes 128 400; };
    };
  };

  testScript = ''
    def size(path):
        return int(machine.succeed(f"stat -c %s {path}").strip())

    def ext4_size(path):
        header = machine.succeed(f"dumpe2fs -h {path} 2>/dev/null")
        fields = dict(line.split(":", 1) for line in header.splitlines() if ":" in line)
        return int(fields["Block count"]) * int(fields["Block size"])

    def xfs_size(path):
        blocks = machine.succeed(f"xfs_db -r -c 'sb 0' -c 'p dblocks' {path}").split("=")[1]
        block = machine.succeed(f"xfs_db -r -c 'sb 0' -c 'p blocksize' {path}").split("=")[1]
        return int(blocks) * int(block)

    def started_at(unit):
        return int(machine.succeed(f"systemctl show -P ExecMainStartTimestampMonotonic {unit}").strip())

    # The booted system, whose specialisations the test switches to.
    booted = machine.succeed("readlink -f /run/current-system").strip()
    scratch = "${imageDir}/scratch.img"
    root = "${stateDir}/web/root.img"
    data = "${stateDir}/web/data.img"
    manifest = "/etc/volplan/manifest.json"

    machine.wait_for_unit("microvm@web.service")
    machine.wait_for_unit("volplan.service")

    with subtest("boot creates the host's images and the guest's before its VM starts"):
        assert size(scratch) == ${toString (32 * mib)}, size(scratch)
        assert ext4_size(scratch) == ${toString (32 * mib)}, ext4_size(scratch)
        machine.succeed(f"test $(stat -c %a {scratch}) = 640")
        assert size(root) == ${toString (64 * mib)}, size(root)
        assert size(data) == ${toString (320 * mib)}, size(data)
        machine.succeed(f"test \"$(stat -c '%U %G %a' {root})\" = 'microvm kvm 660'")
        machine.succeed(f"dumpe2fs -h {root} | grep -E 'Filesystem volume name:[[:space:]]+root$'")
        assert started_at("volplan-microvm-web.service") < started_at("microvm@web.service")
        machine.succeed("systemctl show -P After microvm@web.service | grep -w volplan-microvm-web.service")

    with subtest("a dead artifact mirror fails only the artifacts unit"):
        machine.wait_until_succeeds("systemctl is-failed volplan-artifacts.service")
        machine.succeed("systemctl is-active microvm@web.service volplan.service")
        machine.succeed("printf %s '${artifactText}' > ${mirror}/tool.txt")
        machine.succeed("systemctl restart volplan-artifacts.service")
        machine.succeed(f"volplan plan --manifest {manifest} --detailed-exitcode")

    with subtest("the VM holds its images"):
        pid = machine.succeed("systemctl show -P MainPID microvm@web.service").strip()
        held = machine.succeed(f"ls -l /proc/{pid}/fd")
        assert root in held and data in held, held

    with subtest("a switch reloads volplan.service, which grows the host's image"):
        machine.succeed(f"{booted}/specialisation/bigger/bin/switch-to-configuration test")
        machine.succeed("journalctl -u volplan.service | grep -i reload")
        assert size(scratch) == ${toString (64 * mib)}, size(scratch)
        assert ext4_size(scratch) == ${toString (64 * mib)}, ext4_size(scratch)
        machine.succeed(f"e2fsck -fn {scratch}")

    with subtest("an image held by its running VM is left alone, and said so"):
        assert size(root) == ${toString (64 * mib)}, size(root)
        status, output = machine.execute(f"volplan plan --manifest {manifest} --only volume:web/ --detailed-exitcode 2>&1")
        assert status == 3, (status, output)
        assert "in use" in output, output

    with subtest("restarting the VM grows its images first"):
        machine.succeed("systemctl restart microvm@web.service")
        machine.wait_for_unit("microvm@web.service")
        assert size(root) == ${toString (128 * mib)}, size(root)
        assert ext4_size(root) == ${toString (128 * mib)}, ext4_size(root)
        assert size(data) == ${toString (400 * mib)}, size(data)
        assert xfs_size(data) == ${toString (400 * mib)}, xfs_size(data)
        machine.succeed(f"volplan plan --manifest {manifest} --detailed-exitcode")

    with subtest("with applyOnActivation, dry activation prints the plan and changes nothing"):
        before = machine.succeed(f"stat -c '%s %Y' {scratch}")
        output = machine.succeed(f"{booted}/specialisation/activation/bin/switch-to-configuration dry-activate 2>&1")
        assert "volplan" in output, output
        assert machine.succeed(f"stat -c '%s %Y' {scratch}") == before
  '';
}
