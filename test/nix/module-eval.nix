# Evaluates nix/module.nix with nixpkgs' lib.evalModules and stub declarations of the NixOS
# options it sets (assertions, activation scripts, systemd units, /etc, packages) and of
# microvm.nix's host options. `lib` is nixpkgs' lib directory (VOLPLAN_NIXPKGS_LIB).
# `config` is the test's own module; the result is plain data for the test to compare.
{ libPath, config ? { }, withMicrovm ? true }:
let
  lib = import libPath;
  t = lib.types;

  fakeDerivation = name: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
    meta.mainProgram = "volplan";
  };

  pkgs = {
    callPackage = _: _: fakeDerivation "volplan-0.1.0";
    writeTextFile = args: fakeDerivation args.name // { inherit (args) text checkPhase; };
  };

  stubs = {
    options = {
      assertions = lib.mkOption { type = t.listOf t.unspecified; default = [ ]; };
      system.activationScripts = lib.mkOption { type = t.attrsOf t.unspecified; default = { }; };
      # Lists merge by concatenation as in NixOS; everything else is free-form.
      systemd.services = lib.mkOption {
        type = t.attrsOf (t.submodule {
          freeformType = t.attrsOf t.anything;
          options = lib.genAttrs [ "after" "requires" "wantedBy" ]
            (_: lib.mkOption { type = t.listOf t.str; default = [ ]; });
        });
        default = { };
      };
      environment.etc = lib.mkOption { type = t.attrsOf (t.attrsOf t.anything); default = { }; };
      environment.systemPackages = lib.mkOption { type = t.listOf t.package; default = [ ]; };
      users = lib.mkOption { type = t.attrsOf t.anything; default = { }; };
    } // lib.optionalAttrs withMicrovm {
      microvm.stateDir = lib.mkOption { type = t.str; default = "/var/lib/microvms"; };
      microvm.vms = lib.mkOption { type = t.attrsOf t.unspecified; default = { }; };
    };
  };

  evaluated = lib.evalModules {
    modules = [ ../../nix/module.nix stubs config ];
    specialArgs = { inherit pkgs; };
  };
  c = evaluated.config;
  activation = c.system.activationScripts.volplan or null;
in
{
  manifest = c.services.volplan.manifest;
  manifestText = c.services.volplan.manifestFile.text;
  checkPhase = c.services.volplan.manifestFile.checkPhase;
  failedAssertions = map (a: a.message) (lib.filter (a: !a.assertion) c.assertions);
  services = lib.mapAttrs
    (_: s: {
      requires = s.requires or [ ];
      after = s.after or [ ];
      wantedBy = s.wantedBy or [ ];
      reloadTriggers = map toString (s.reloadTriggers or [ ]);
      reloadIfChanged = s.reloadIfChanged or false;
      requiresMountsFor = s.unitConfig.RequiresMountsFor or [ ];
      serviceConfig = s.serviceConfig or { };
    })
    c.systemd.services;
  activation = if activation == null then null else {
    inherit (activation) deps supportsDryActivation text;
  };
  etc = lib.mapAttrs (_: e: toString e.source) c.environment.etc;
}
