# Stand-in for nixpkgs' nixos/lib/eval-config.nix, which microvm.nix's host module imports (from
# microvm.vms.<name>.nixpkgs) to evaluate a declarative guest. A real guest evaluation needs all of
# nixpkgs; this one evaluates the guest's modules with microvm.nix's own option declarations
# (its nixos-modules/microvm/options.nix in place of that whole directory, as third-party.nix
# imports it) and stands in only for the guest values the host module reads that need nixpkgs to
# build: the runner and the system's toplevel.
{ modules
, pkgs
, prefix ? [ ]
, specialArgs ? { }
, extraModules ? [ ]
, lib ? pkgs.lib
, ...
}:
let
  isMicrovmGuestModules = m: lib.isPath m && baseNameOf m == "microvm" && builtins.pathExists (m + "/options.nix");

  guestStubs = { config, ... }: {
    options = {
      assertions = lib.mkOption { type = lib.types.listOf lib.types.unspecified; default = [ ]; };
      warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
      networking.hostName = lib.mkOption { type = lib.types.str; default = "nixos"; };
      system.build = lib.mkOption { type = lib.types.attrsOf lib.types.unspecified; default = { }; };
    };
    config = {
      _module.args.pkgs = pkgs;
      system.build.toplevel = pkgs.fake "nixos-system-${config.networking.hostName}" { };
      microvm.declaredRunner = lib.mkDefault (pkgs.fake "microvm-qemu-${config.networking.hostName}" {
        supportsNotifySocket = false;
        registerWithMachined = false;
      });
    };
  };
in
lib.evalModules {
  inherit prefix specialArgs;
  modules = map (m: if isMicrovmGuestModules m then (import ../../../../third-party.nix).microvmGuestOptions else m) modules
    ++ extraModules
    ++ [ guestStubs ];
}
