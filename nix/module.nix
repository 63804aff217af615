# NixOS module: services.volplan declares volumes and artifacts, builds the manifest once (checked
# with `volplan validate` at build time) and reconciles the host at activation or from a systemd
# unit. With services.volplan.microvm.enable, every declarative microvm.nix guest's volumes are
# managed too, and each microvm@<name> unit starts after volplan.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.volplan;
  builder = import ./manifest.nix;
  schemaOptions = import ./schema-options.nix { inherit lib; };

  exe = lib.getExe cfg.package;

  microvmHostPresent = lib.hasAttrByPath [ "microvm" "vms" ] config;
  microvmStateDir = lib.attrByPath [ "microvm" "stateDir" ] "/var/lib/microvms" config;

  # A guest's evaluated NixOS config, found the way microvm.nix's host module finds it; null for
  # guests the host does not declare (imperative ones).
  guestConfigOf = name: vm:
    if (vm.flake or null) != null then vm.flake.nixosConfigurations.${name}.config
    else if (vm.evaluatedConfig or null) != null then vm.evaluatedConfig.config
    else if (vm.config or null) != null then vm.config.config
    else null;

  declarativeVms = lib.filterAttrs (name: vm: guestConfigOf name vm != null) (lib.attrByPath [ "microvm" "vms" ] { } config);
  microvmGuests = lib.mapAttrsToList
    (name: vm:
      let guest = (guestConfigOf name vm).microvm;
      in {
        inherit name;
        stateDir = microvmStateDir;
        volumes = guest.volumes or [ ];
        writableStoreOverlay = guest.writableStoreOverlay or null;
      })
    declarativeVms;

  built = builder.buildManifest {
    inherit (cfg) stateDir policy volumes artifacts;
    microvms = lib.optionals (cfg.microvm.enable && microvmHostPresent) microvmGuests;
  };

  imageDirs = lib.unique (lib.mapAttrsToList (_: v: dirOf v.path) (cfg.manifest.volumes or { }));

  # Runs in the activation script: plan under dry activation, apply on switch/test; at boot the
  # unit does the work once local file systems are mounted (activation runs before they are).
  activationText = ''
    if [ "''${NIXOS_ACTION-}" = dry-activate ]; then
      echo "volplan: changes a switch would make to volumes and artifacts:"
      ${exe} plan --manifest ${cfg.manifestFile} || echo "volplan: plan exited with status $?" >&2
    elif [ -n "''${NIXOS_ACTION-}" ]; then
      if ! ${exe} apply --manifest ${cfg.manifestFile}; then
        echo "" >&2
        echo "volplan: APPLY FAILED; volumes and artifacts may not match the configuration." >&2
        echo "volplan: see the messages above, fix them, then run: ${exe} apply --manifest ${cfg.manifestFile}" >&2
        echo "" >&2
      fi
    fi
  '';
in
{
  options.services.volplan = schemaOptions.manifest // {
    enable = lib.mkEnableOption "volplan, which creates, grows and checks VM disk images and caches boot artifacts as declared";

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./nix/package.nix { }";
      description = "The volplan package to run.";
    };

    runAt = lib.mkOption {
      type = lib.types.enum [ "activation" "systemd" ];
      default = "systemd";
      description = ''
        When the host is reconciled. "systemd": by volplan.service (a oneshot started at boot
        after the image directories are mounted, and restarted by a switch when the manifest
        changes). "activation": additionally during `nixos-rebuild switch`/`test` activation,
        so images are in shape before any unit restarts; `dry-activate` prints the plan only.
        A failed apply is reported loudly and never aborts the rest of activation.
      '';
    };

    microvm.enable = lib.mkOption {
      type = lib.types.bool;
      default = false;
      description = ''
        Manage the volumes of every declarative microvm.nix guest (microvm.vms.<name>): ids
        "<vm>/<image name>", owned by microvm:kvm, mode 0660; volumes with autoCreate = false are
        left alone. Each microvm@<name> unit then requires and starts after volplan.service, so
        the runner's own create-if-missing step finds images already at their declared size.
        Needs microvm.nix's host module.
      '';
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
          ${exe} validate "$out"
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
            message = "services.volplan.microvm.enable is set but microvm.nix's host module is not imported. Import microvm.nixosModules.host, or set services.volplan.microvm.enable = false.";
          }
        ]
        ++ lib.mapAttrsToList
          (id: v: {
            assertion = v.kind != "block-device" || (v.format == null && v.seed == null && v.allocation == null && v.growFilesystem == null);
            message = "services.volplan.volumes.\"${id}\": kind = \"block-device\" is only checked, never written, so format, seed, allocation and growFilesystem do not apply. Remove them, or use kind = \"image\".";
          })
          cfg.volumes;

      environment.etc."volplan/manifest.json".source = cfg.manifestFile;
      environment.systemPackages = [ cfg.package ];

      systemd.services.volplan = {
        description = "Reconcile VM disk images and boot artifacts (volplan)";
        wantedBy = [ "multi-user.target" ];
        after = [ "local-fs.target" ];
        # A changed manifest reloads (applies again) instead of restarting: a restart would
        # also restart every microvm@ unit that requires this one.
        reloadIfChanged = true;
        reloadTriggers = [ cfg.manifestFile ];
        unitConfig.RequiresMountsFor = imageDirs;
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          ExecStart = "${exe} apply --manifest ${cfg.manifestFile}";
          ExecReload = "${exe} apply --manifest ${cfg.manifestFile}";
          # 3: refusals (a volume left alone, for example a declared shrink) are logged but do
          # not keep guests with correct images from starting.
          SuccessExitStatus = [ 3 ];
        };
      };
    }

    (lib.mkIf (cfg.runAt == "activation") {
      system.activationScripts.volplan = {
        deps = [ "users" "groups" "specialfs" ];
        supportsDryActivation = true;
        text = activationText;
      };
    })

    (lib.mkIf cfg.microvm.enable {
      systemd.services = lib.mapAttrs'
        (name: _: lib.nameValuePair "microvm@${name}" {
          requires = [ "volplan.service" ];
          after = [ "volplan.service" ];
        })
        declarativeVms
      // {
        # install-microvm-<name> creates the guest's directory under microvm.stateDir.
        volplan.after = lib.mapAttrsToList (name: _: "install-microvm-${name}.service") declarativeVms;
      };
    })
  ]);
}
