# Evaluates nix/tests/vm.nix with the stubs the host tests use (the NixOS test framework and a
# full nixpkgs are not available here): its machine and each specialisation, summarised as
# test/nix/summary.nix does, and its test script.
let
  inherit (import ./third-party.nix) lib;
  pkgs = import ./stubs/pkgs.nix { inherit lib; };
  test = import ../../nix/tests/vm.nix { inherit lib; };
  summary = import ./summary.nix { inherit lib; };

  machine = lib.evalModules {
    modules = [ ./stubs/nixos.nix { _module.args.pkgs = pkgs; } test.nodes.machine ];
  };
  # As NixOS builds a specialisation: the machine's modules and the specialisation's.
  specialisations = lib.mapAttrs
    (_: s: machine.extendModules { modules = [ s.configuration ]; })
    machine.config.specialisation;

  # microvm-shaped units, for checking how volplan's units order against them.
  shapedUnits = evaluated: lib.mapAttrs
    (_: s: { inherit (s) before partOf wantedBy restartIfChanged serviceConfig script; })
    (lib.filterAttrs (name: _: lib.hasPrefix "microvm@" name || lib.hasPrefix "install-microvm-" name) evaluated.config.systemd.services);
in
{
  inherit (test) name testScript;
  machine = summary machine // { shaped = shapedUnits machine; };
  specialisations = lib.mapAttrs (_: summary) specialisations;
}
