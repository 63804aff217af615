# The few packages nix/module.nix and microvm.nix's host module take from nixpkgs, as fake
# derivations (the tests evaluate, never build). `path` points at a stand-in nixpkgs tree whose
# nixos/lib/eval-config.nix evaluates microvm.nix guests.
{ lib }:
let
  fake = name: extra: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
  } // extra;

  volplan = suffix: fake "volplan-0.1.0${suffix}" { meta.mainProgram = "volplan"; };

  packageSet = { suffix, buildPackages }: {
    inherit lib fake buildPackages;
    path = ./nixpkgs;
    stdenv.hostPlatform.system = "x86_64-linux";
    stdenv.buildPlatform.system = "x86_64-linux";
    runtimeShell = "/bin/sh";
    # Only nix/package.nix is called; anything else (microvm.nix's command) is never forced.
    callPackage = fn: _: if baseNameOf fn == "package.nix" then volplan suffix else throw "stub pkgs: callPackage ${toString fn} is not stubbed";
    writeTextFile = args: fake args.name { inherit (args) text checkPhase; };
    # Named by a digest of the text, so a test can tell which script an app runs.
    writeShellScript = name: text: fake "${name}-${builtins.hashString "sha256" text}" { inherit text; };
    # getent from the machine running the tests, so activation scripts can be run.
    getent = fake "getent" { outPath = "/usr"; };
    coreutils = fake "coreutils" { };
    e2fsprogs = fake "e2fsprogs" { };
    xfsprogs = fake "xfsprogs" { };
    qemu-utils = fake "qemu-utils" { };
  };

  # The build machine's packages differ, so a test can tell which one a build step runs.
  buildPackages = packageSet { suffix = "-build"; buildPackages = throw "stub pkgs: buildPackages.buildPackages"; };
in
packageSet { suffix = ""; inherit buildPackages; }
