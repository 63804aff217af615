# The third-party Nix sources the tests evaluate against, in the project's sibling folder
# ../shared/third-party (nixpkgs' lib and microvm.nix's NixOS modules; see its README).
let
  root = ../../../shared/third-party;
in
{
  lib = import (root + "/nixpkgs-lib/lib");
  # microvm.nix's guest option declarations and its host module (options and units).
  microvmGuestOptions = root + "/microvm-nix/nixos-modules/microvm/options.nix";
  microvmHost = root + "/microvm-nix/nixos-modules/host/default.nix";
}
