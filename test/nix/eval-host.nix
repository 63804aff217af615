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

  summary = import ./summary.nix { inherit lib; };
in
lib.mapAttrs (_: case: summary (evalHost case)) (cases helpers)
