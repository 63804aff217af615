# The outputs of flake.nix with nixpkgs' real lib and the stub packages (stubs/pkgs.nix) as its
# nixpkgs input, for tests of its apps and NixOS module.
let
  inherit (import ./third-party.nix) lib;
  pkgs = import ./stubs/pkgs.nix { inherit lib; };
  nixpkgs = { inherit lib; legacyPackages = { x86_64-linux = pkgs; aarch64-linux = pkgs; }; };
  self = (import ../../flake.nix).outputs { inherit self nixpkgs; };
in
self
