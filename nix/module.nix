# NixOS module: services.volplan declares volumes and artifacts, builds the manifest once (checked
# with `volplan validate` at build time) and reconciles the host from systemd units, and at
# activation if asked. Units, each applying only its part of the manifest (`apply --only`):
#   volplan.service               the host's own volumes, after local file systems
#   volplan-artifacts.service     the artifacts, after the network is online; nothing requires it
#   volplan-microvm-<vm>.service  one microvm.nix guest's volumes: part of, and before,
#                                 microvm@<vm>, so every start of the VM finds its images in shape
{ config, lib, pkgs, ... }:
let
  cfg = config.services.volplan;
  builder = import ./manifest.nix;
  schemaOptions = import ./schema-options.nix { inherit lib; };

  exe = lib.getExe cfg.package;

  # Exit status of `volplan apply` when some volume was left alone (a declared shrink, an image in
  # use) and everything else applied. Units and activation both count it as success and say so.
  refusalsExit = 3;

  microvmHostPresent = lib.hasAttrByPath [ "microvm" "vms" ] config && (config.microvm.host.enable or true);
  microvmStateDir = lib.attrByPath [ "microvm" "stateDir" ] "/var/lib/microvms" config;
  usersFromUnits = (config.systemd.sysusers.enable or false) || (config.services.userborn.enable or false);

  # A guest's evaluated NixOS config, found the way microvm.nix's host module finds it; null for
  # guests the host does not declare.
  guestConfigOf = name: vm:
    if (vm.flake or null) != null then vm.flake.nixosConfigurations.${name}.config
    else if (vm.evaluatedConfig or null) != null then vm.evaluatedConfig.config
    else if (vm.config or null) != null then vm.config.config
    else null;

  vmSettings = name: cfg.microvm.vms.${name} or { enable = true; owner = null; group = null; mode = null; };
  orDefault = value: default: if value == null then default else value;

  # Declarative guests whose volumes volplan manages.
  managedVms = lib.optionalAttrs (cfg.microvm.enable && microvmHostPresent) (lib.filterAttrs
    (name: vm: guestConfigOf name vm != null && (vmSettings name).enable)
    config.microvm.vms);

  microvmGuests = lib.mapAttrsToList
    (name: vm:
      let
        settings = vmSettings name;
        guest = (guestConfigOf name vm).microvm or { };
      in
      {
        inherit name;
        stateDir = microvmStateDir;
        volumes = guest.volumes or [ ];
        # Whether a qcow2 volume can be one: only cloud-hypervisor opens it as qcow2.
        hypervisor = guest.hypervisor or "qemu";
        owner = orDefault settings.owner cfg.microvm.owner;
        group = orDefault settings.group cfg.microvm.group;
        mode = orDefault settings.mode cfg.microvm.mode;
      })
    managedVms;

  # A guest's qcow2 volumes whose filesystem nothing grows: volplan grows the image, never the
  # filesystem inside a qcow2 image, and microvm.nix mounts volumes without x-systemd.growfs. Read
  # only where the guest's configuration has fileSystems (a whole NixOS guest).
  ungrownQcow2 = name: vm:
    let
      guest = guestConfigOf name vm;
      fileSystems = guest.fileSystems or null;
      grows = fs: lib.elem "x-systemd.growfs" (fs.options or [ ]) || (fs.autoResize or false);
      ungrown = v: (v.imageType or "raw") == "qcow2" && (v.autoCreate or true)
        && !lib.hasPrefix "/dev/" (toString v.image)
        && (v.mountPoint or null) != null && fileSystems ? ${v.mountPoint} && !grows fileSystems.${v.mountPoint};
    in
    lib.optionals (fileSystems != null && (guest.microvm.hypervisor or "qemu") == "cloud-hypervisor")
      (lib.filter ungrown (guest.microvm.volumes or [ ]));

  qcow2Warnings = lib.concatLists (lib.mapAttrsToList
    (name: vm: map
      (v: "services.volplan: microvm ${name}: volume \"${toString v.image}\" is a qcow2 image; volplan grows the image but not the filesystem inside it, and the guest mounts ${v.mountPoint} without x-systemd.growfs, so a raised size would not reach the filesystem. Add fileSystems.\"${v.mountPoint}\".options = [ \"x-systemd.growfs\" ] to the guest's configuration.")
      (ungrownQcow2 name vm))
    managedVms);

  built = builder.buildManifest {
    inherit (cfg) stateDir policy volumes artifacts;
    microvms = microvmGuests;
  };

  manifestVolumes = cfg.manifest.volumes or { };
  stateDir = cfg.manifest.stateDir or "/var/lib/volplan";

  # Volume ids a guest's unit applies: what `--only volume:<vm>/` selects.
  vmVolumeIds = name: lib.filter (lib.hasPrefix "${name}/") (lib.attrNames manifestVolumes);
  vmsWithVolumes = lib.filter (name: vmVolumeIds name != [ ]) (lib.attrNames managedVms);
  hostVolumeIds = lib.filter (id: !lib.any (name: lib.hasPrefix "${name}/" id) vmsWithVolumes) (lib.attrNames manifestVolumes);

  # Directories a unit's volumes live in (block devices under /dev need no mount), and stateDir.
  # A path the builder refused is missing here; its assertion stops the build.
  mountsFor = ids:
    let paths = lib.filter (p: lib.hasPrefix "/" p && !lib.hasPrefix "/dev/" p) (map (id: manifestVolumes.${id}.path or "") ids);
    in lib.unique ([ stateDir ] ++ map dirOf paths);

  apply = selectors: "${exe} apply --manifest ${cfg.manifestFile}" + lib.concatMapStrings (s: " --only ${s}") selectors;

  afterUsers = lib.optional (config.systemd.sysusers.enable or false) "systemd-sysusers.service"
    ++ lib.optional (config.services.userborn.enable or false) "userborn.service";

  # A oneshot that applies `selectors` and stays active; a failure other than refusals fails it.
  applyUnit = { description, selectors, mounts }: {
    inherit description;
    unitConfig.RequiresMountsFor = mounts;
    serviceConfig = {
      Type = "oneshot";
      RemainAfterExit = true;
      ExecStart = apply selectors;
      SuccessExitStatus = [ refusalsExit ];
    };
  };

  # A unit a switch reloads instead of restarting; both apply the new manifest.
  reloadingUnit = args: lib.recursiveUpdate (applyUnit args) {
    reloadIfChanged = true;
    serviceConfig.ExecReload = apply args.selectors;
  };

  # Users and groups the manifest names (numeric ids need nobody to create them).
  accountNames = field: lib.unique (lib.filter lib.isString (lib.mapAttrsToList (_: v: v.${field} or null) manifestVolumes));

  # Applies the whole manifest. Why `(exit ...)`: a failure tested by `if` or `||` never reaches
  # the activation script's ERR trap, so the switch would report success; a failing command in
  # the case branch does.
  applyAtActivation = ''
    _volplan_status=0
    ${exe} apply --manifest ${cfg.manifestFile} || _volplan_status=$?
    case "$_volplan_status" in
      0) ;;
      ${toString refusalsExit})
        echo "volplan: some volumes were left alone (refusals above); everything else was applied. An image in use grows when its VM restarts." >&2 ;;
      *)
        echo "" >&2
        echo "volplan: APPLY FAILED (exit $_volplan_status); volumes and artifacts may not match the configuration." >&2
        echo "volplan: see the messages above, fix them, then run: ${exe} apply --manifest ${cfg.manifestFile}" >&2
        echo "" >&2
        (exit "$_volplan_status") ;;
    esac
  '';

  # Under systemd.sysusers or userborn, users are created by a unit after activation: apply only
  # when every user and group the manifest names exists, else leave it to the units (ordered
  # after that unit).
  applyOrDefer = if !usersFromUnits then applyAtActivation else ''
    _volplan_missing=""
    for _volplan_name in ${lib.escapeShellArgs (accountNames "owner")}; do
      ${pkgs.getent}/bin/getent passwd "$_volplan_name" > /dev/null || _volplan_missing="$_volplan_missing user $_volplan_name,"
    done
    for _volplan_name in ${lib.escapeShellArgs (accountNames "group")}; do
      ${pkgs.getent}/bin/getent group "$_volplan_name" > /dev/null || _volplan_missing="$_volplan_missing group $_volplan_name,"
    done
    if [ -n "$_volplan_missing" ]; then
      echo "volplan: not applying at activation:''${_volplan_missing%,} not created yet (${lib.concatStringsSep " and " afterUsers} creates them after activation); the volplan units apply once they exist." >&2
    else
    ${applyAtActivation}
    fi
  '';

  # Runs in the activation script: plan under dry activation, apply on switch/test; at boot the
  # units do the work once local file systems are mounted (activation runs before they are).
  activationText = ''
    if [ "''${NIXOS_ACTION-}" = dry-activate ]; then
      echo "volplan: changes a switch would make to volumes and artifacts:"
      ${exe} plan --manifest ${cfg.manifestFile} || echo "volplan: plan exited with status $?" >&2
    elif [ -n "''${NIXOS_ACTION-}" ]; then
    ${applyOrDefer}
    fi
  '';

  accountType = schemaOptions.volume.owner.type;
in
{
  imports = [
    (lib.mkChangedOptionModule [ "services" "volplan" "runAt" ] [ "services" "volplan" "applyOnActivation" ]
      (config: config.services.volplan.runAt == "activation"))
  ];

  options.services.volplan = schemaOptions.manifest // {
    enable = lib.mkEnableOption "volplan, which creates, grows and checks VM disk images and caches boot artifacts as declared";

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./nix/package.nix { }";
      description = "The volplan package the units and activation run.";
    };

    validatePackage = lib.mkOption {
      type = lib.types.package;
      default = pkgs.buildPackages.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.buildPackages.callPackage ./nix/package.nix { }";
      description = ''
        The volplan package that runs `volplan validate` on the manifest when it is built. It
        runs on the build machine, so it comes from `pkgs.buildPackages` (the same package as
        `package` unless the system is cross-compiled).
      '';
    };

    applyOnActivation = lib.mkOption {
      type = lib.types.bool;
      default = false;
      description = ''
        Whether `nixos-rebuild switch`/`test` also applies the whole manifest during activation,
        so images are in shape before any unit restarts (`dry-activate` prints the plan only).
        The units apply in every case. An apply that fails fails the switch, as a failed unit
        does; refusals (exit status 3: a volume left alone, such as a declared shrink or an image
        in use by a running VM) are printed and count as success, in activation and units alike.
      '';
    };

    microvm = {
      enable = lib.mkOption {
        type = lib.types.bool;
        default = false;
        description = ''
          Manage the volumes of every declarative microvm.nix guest (microvm.vms.<name>): ids
          "<vm>/<image name>"; images under /dev are block devices (checked, never written);
          volumes with autoCreate = false are left alone. Each guest gets a oneshot
          volplan-microvm-<name>.service, part of and before microvm@<name>, that applies only
          that guest's volumes, so every start or restart of the VM grows its images first.
          Needs microvm.nix's host module.
        '';
      };

      owner = lib.mkOption {
        type = accountType;
        default = "microvm";
        description = "Owner of guests' images (microvm.nix runs its VMs as user microvm); null leaves it to volplan (root).";
      };

      group = lib.mkOption {
        type = accountType;
        default = "kvm";
        description = "Group of guests' images; null leaves it to volplan (root).";
      };

      mode = lib.mkOption {
        type = schemaOptions.volume.mode.type;
        default = "0660";
        description = "Permission bits of guests' images, as an octal string.";
      };

      vms = lib.mkOption {
        type = lib.types.attrsOf (lib.types.submodule {
          options = {
            enable = lib.mkOption {
              type = lib.types.bool;
              default = true;
              description = "Whether volplan manages this guest's volumes (false: left to microvm.nix, and no volplan unit for it).";
            };
            owner = lib.mkOption {
              type = accountType;
              default = null;
              description = "Owner of this guest's images; null takes services.volplan.microvm.owner.";
            };
            group = lib.mkOption {
              type = accountType;
              default = null;
              description = "Group of this guest's images; null takes services.volplan.microvm.group.";
            };
            mode = lib.mkOption {
              type = schemaOptions.volume.mode.type;
              default = null;
              description = "Permission bits of this guest's images; null takes services.volplan.microvm.mode.";
            };
          };
        });
        default = { };
        description = "Per-guest settings, by the guest's name in microvm.vms.";
      };
    };

    manifest = lib.mkOption {
      type = lib.types.attrsOf lib.types.anything;
      readOnly = true;
      default = built.manifest;
      defaultText = lib.literalMD "the manifest built from the options above";
      description = ''
        The manifest as a Nix value (evaluate it in CI:
        `nix eval --json .#nixosConfigurations.HOST.config.services.volplan.manifest`).
      '';
    };

    manifestFile = lib.mkOption {
      type = lib.types.package;
      readOnly = true;
      default = pkgs.writeTextFile {
        name = "volplan-manifest.json";
        text = builtins.toJSON cfg.manifest;
        checkPhase = ''
          ${lib.getExe cfg.validatePackage} validate "$out"
        '';
      };
      defaultText = lib.literalMD "the manifest as a JSON file, checked with `volplan validate` when it is built";
      description = "The manifest file volplan runs with; also linked at /etc/volplan/manifest.json.";
    };
  };

  config = lib.mkIf cfg.enable (lib.mkMerge [
    {
      assertions =
        map (message: { assertion = false; message = "services.volplan: ${message}"; }) built.problems
        ++ [
          {
            assertion = !cfg.microvm.enable || microvmHostPresent;
            message = "services.volplan.microvm.enable is set but microvm.nix's host module is not imported (or microvm.host.enable is false). Import microvm.nixosModules.host, or set services.volplan.microvm.enable = false.";
          }
        ]
        ++ lib.mapAttrsToList
          (id: v: {
            assertion = v.kind != "block-device" || (v.format == null && v.seed == null && v.allocation == null && v.growFilesystem == null);
            message = "services.volplan.volumes.\"${id}\": kind = \"block-device\" is only checked, never written, so format, seed, allocation and growFilesystem do not apply. Remove them, or use kind = \"image\".";
          })
          cfg.volumes
        ++ map
          (name: {
            assertion = !cfg.microvm.enable || (config.microvm.vms or { }) ? ${name};
            message = "services.volplan.microvm.vms.\"${name}\" is set, but microvm.vms has no guest named \"${name}\". Fix the name or remove the setting.";
          })
          (lib.attrNames cfg.microvm.vms);

      warnings = qcow2Warnings;

      environment.etc."volplan/manifest.json".source = cfg.manifestFile;
      environment.systemPackages = [ cfg.package ];
    }

    (lib.mkIf (hostVolumeIds != [ ]) {
      systemd.services.volplan = reloadingUnit {
        description = "Create and grow the host's VM disk images (volplan)";
        selectors = map (id: "volume:${id}") hostVolumeIds;
        mounts = mountsFor hostVolumeIds;
      } // {
        wantedBy = [ "multi-user.target" ];
        after = [ "local-fs.target" ] ++ afterUsers;
      };
    })

    (lib.mkIf ((cfg.manifest.artifacts or { }) != { }) {
      # Nothing requires this unit: a dead mirror fails it alone, never a VM.
      systemd.services.volplan-artifacts = reloadingUnit {
        description = "Download and verify boot artifacts (volplan)";
        selectors = [ "artifacts" ];
        mounts = [ stateDir ];
      } // {
        wantedBy = [ "multi-user.target" ];
        wants = [ "network-online.target" ];
        after = [ "network-online.target" ];
      };
    })

    (lib.mkIf cfg.applyOnActivation {
      system.activationScripts.volplan = {
        deps = [ "users" "groups" "specialfs" ];
        supportsDryActivation = true;
        text = activationText;
      };
    })

    (lib.mkIf (cfg.microvm.enable && microvmHostPresent) {
      systemd.services = lib.mkMerge (map
        (name: {
          # Why restartIfChanged = false: microvm@<name> requires this unit, so restarting it
          # would restart the VM; a changed manifest is applied when the VM next (re)starts.
          "volplan-microvm-${name}" = applyUnit
            {
              description = "Create and grow the disk images of MicroVM '${name}' (volplan)";
              selectors = [ "volume:${name}/" ];
              mounts = mountsFor (vmVolumeIds name);
            } // {
            partOf = [ "microvm@${name}.service" ];
            before = [ "microvm@${name}.service" ];
            # install-microvm-<name> creates the guest's directory under microvm.stateDir.
            wants = [ "install-microvm-${name}.service" ];
            after = [ "install-microvm-${name}.service" "local-fs.target" ] ++ afterUsers;
            restartIfChanged = false;
          };
          "microvm@${name}" = {
            requires = [ "volplan-microvm-${name}.service" ];
            after = [ "volplan-microvm-${name}.service" ];
          };
        })
        vmsWithVolumes);
    })
  ]);
}
