# The third-party Nix sources the tests evaluate against, in the project's sibling folder
# ../shared/third-party (nixpkgs' lib and microvm.nix's NixOS modules; see its README).
let
  root = ../../../shared/third-party;
  lib = import (root + "/nixpkgs-lib/lib");
  optionsFile = root + "/microvm-nix/nixos-modules/microvm/options.nix";

  # options.nix imports microvm.nix's lib/ (../../lib), which is not among the third-party sources;
  # that one import is answered by stubs/microvm-lib.nix, every other one as usual.
  microvmLib = root + "/microvm-nix/lib";
  importInOptions = p: if toString p == toString microvmLib then import ./stubs/microvm-lib.nix else import p;
in
{
  inherit lib;
  # microvm.nix's guest option declarations and its host module (options and units).
  microvmGuestOptions = lib.setDefaultModuleLocation optionsFile
    (builtins.scopedImport { import = importInOptions; } optionsFile);
  microvmHost = root + "/microvm-nix/nixos-modules/host/default.nix";
}
