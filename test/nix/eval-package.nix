# Evaluates nix/package.nix with nixpkgs' real lib, except lib.fileset (it needs Nix >= 2.14),
# which is replaced by one that records the paths of the fileset; buildNpmPackage returns its
# arguments. The result is plain data: the files the source is built from, relative to the
# repository root, and the phases the package runs. `nodePrefix` is where Node.js is installed
# (bin/node), so a test can run the install phase's wrapper.
{ nodePrefix ? "/nix/store/00000000000000000000000000000000-nodejs" }:
let
  realLib = (import ./third-party.nix).lib;
  root = toString ../..;
  relative = p: realLib.removePrefix "${root}/" (toString p);

  lib = realLib // {
    fileset = {
      unions = paths: { recordedPaths = paths; };
      toSource = { root, fileset }: { inherit root; paths = map relative fileset.recordedPaths; };
    };
  };

  fake = name: { type = "derivation"; inherit name; outPath = "/nix/store/00000000000000000000000000000000-${name}"; };
  tools = lib.genAttrs [ "makeWrapper" "installShellFiles" "coreutils" "util-linux" "e2fsprogs" "xfsprogs" "btrfs-progs" "dosfstools" "qemu-utils" ] fake;

  package = import ../../nix/package.nix (tools // {
    inherit lib;
    buildNpmPackage = args: args;
    importNpmLock = { __functor = _: _: fake "npm-deps"; npmConfigHook = fake "npm-config-hook"; };
    nodejs = fake "nodejs" // { outPath = nodePrefix; meta.mainProgram = "node"; };
    testers.runNixOSTest = test: { nixosTest = relative test; };
  });
in
{
  inherit (package) pname version npmBuildScript doCheck checkPhase installPhase doInstallCheck installCheckPhase;
  sourcePaths = package.src.paths;
  tests = package.passthru.tests;
  meta = removeAttrs package.meta [ "license" "platforms" ];
}
