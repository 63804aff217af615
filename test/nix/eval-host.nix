# Evaluates NixOS hosts with nix/module.nix under nixpkgs' real lib.evalModules, with microvm.nix's
# real host module (and its real guest options, through stubs/nixpkgs/nixos/lib/eval-config.nix)
# and stub declarations of the other NixOS options (stubs/nixos.nix). Many hosts are evaluated in
# one call: `cases` maps helpers to { <name> = { module; microvm ? true; }; }, and the result maps
# each name to plain data for the test to compare.
{ cases }:
let
  thirdParty = import ./third-party.nix;
  inherit (thirdParty) lib;
  pkgs = import ./stubs/pkgs.nix { inherit lib; };

  helpers = {
    inherit lib pkgs;
    # A guest evaluated the way microvm.nix's host module evaluates microvm.vms.<name>.config,
    # for microvm.vms.<name>.evaluatedConfig.
    evalGuest = module: import ./stubs/nixpkgs/nixos/lib/eval-config.nix {
      modules = [ thirdParty.microvmGuestOptions module ];
      inherit pkgs;
    };
    # A package whose program is a real file, so a test can run the activation script.
    packageAt = dir: pkgs.fake "volplan-test" { outPath = dir; meta.mainProgram = "volplan"; };
    # The outputs of flake.nix, with these stubs as its nixpkgs.
    flake = import ./eval-flake.nix;
  };

  evalHost = { module, microvm ? true }: lib.evalModules {
    modules = [ ./stubs/nixos.nix { _module.args.pkgs = pkgs; } ../../nix/module.nix module ]
      ++ lib.optional microvm thirdParty.microvmHost;
  };

  isOurs = name: name == "volplan" || lib.hasPrefix "volplan-" name;
  isVm = name: lib.hasPrefix "microvm@" name && name != "microvm@";

  unit = s: {
    inherit (s) description requires wants after before partOf wantedBy requiredBy
      restartIfChanged reloadIfChanged unitConfig serviceConfig;
    reloadTriggers = map toString s.reloadTriggers;
  };

  summary = evaluated:
    let c = evaluated.config;
    in {
      manifest = c.services.volplan.manifest;
      manifestText = c.services.volplan.manifestFile.text;
      checkPhase = c.services.volplan.manifestFile.checkPhase;
      failedAssertions = map (a: a.message) (lib.filter (a: !a.assertion) c.assertions);
      inherit (c) warnings;
      services = lib.mapAttrs (_: unit) (lib.filterAttrs (name: _: isOurs name) c.systemd.services);
      # Only what volplan adds to microvm@<name>: the rest needs the guest's runner.
      vmUnits = lib.mapAttrs (_: s: { inherit (s) requires after; }) (lib.filterAttrs (name: _: isVm name) c.systemd.services);
      activation =
        let a = c.system.activationScripts.volplan or null;
        in if a == null then null else { inherit (a) deps supportsDryActivation text; };
      activationScript = c.system.activationScripts.script;
      dryActivationScript = c.system.dryActivationScript;
      etc = lib.mapAttrs (_: e: toString e.source) (lib.filterAttrs (name: _: lib.hasPrefix "volplan/" name) c.environment.etc);
    };
in
lib.mapAttrs (_: case: summary (evalHost case)) (cases helpers)
