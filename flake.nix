{
  description = "volplan: declarative VM disk images and kexec boot artifacts, reconciled safely";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      manifestLib = import ./nix/manifest.nix;
      exampleNames = [ "basic" "microvm-host" "kexec-cache" "ci-diff" ];
    in
    {
      packages = forAllSystems (pkgs: {
        volplan = pkgs.callPackage ./nix/package.nix { };
        default = self.packages.${pkgs.stdenv.hostPlatform.system}.volplan;
      });

      apps = forAllSystems (pkgs: {
        default = self.apps.${pkgs.stdenv.hostPlatform.system}.volplan;
        volplan = {
          type = "app";
          program = lib.getExe self.packages.${pkgs.stdenv.hostPlatform.system}.volplan;
          meta.description = "Plan and apply VM disk images and boot artifacts from a manifest";
        };
        # `nix run .#manifests -- FLAKE OUT_DIR`: every host's manifest as OUT_DIR/HOST.json.
        manifests = {
          type = "app";
          program = toString (pkgs.writeShellScript "volplan-manifests" (builtins.readFile ./examples/ci/flake-manifests.sh));
          meta.description = "Write the volplan manifest of every NixOS configuration of a flake to a directory";
        };
      });

      nixosModules = {
        volplan = { lib, pkgs, ... }: {
          imports = [ ./nix/module.nix ];
          services.volplan.package = lib.mkDefault self.packages.${pkgs.stdenv.hostPlatform.system}.volplan;
          # Validation runs on the build machine (differs from the host when cross-compiling).
          services.volplan.validatePackage = lib.mkDefault
            (self.packages.${pkgs.stdenv.buildPlatform.system}.volplan or (pkgs.buildPackages.callPackage ./nix/package.nix { }));
        };
        default = self.nixosModules.volplan;
      };

      # The pure builder (builtins only): mkManifest, buildManifest, fromMicrovm, fromMicrovms.
      lib = { inherit (manifestLib) mkManifest buildManifest fromMicrovm fromMicrovms; };

      checks = forAllSystems (pkgs:
        let
          system = pkgs.stdenv.hostPlatform.system;
          nodeModules = pkgs.importNpmLock.buildNodeModules { npmRoot = ./.; inherit (pkgs) nodejs; };
        in
        {
          # Builds the CLI and runs the unit tests that need no root.
          package = self.packages.${system}.volplan;

          # A host with its own volumes and microvm.nix-shaped guests, booted in a VM: see nix/tests/vm.nix.
          vm = pkgs.testers.runNixOSTest ./nix/tests/vm.nix;

          # The repository's formatter (prettier) agrees, and every Nix file parses.
          format = pkgs.runCommand "volplan-format" { nativeBuildInputs = [ pkgs.nodejs pkgs.nix ]; } ''
            export HOME=$TMPDIR NIX_STATE_DIR=$TMPDIR/nix-state
            cp -r ${self} src && chmod -R u+w src && cd src
            ln -s ${nodeModules}/node_modules node_modules
            node node_modules/prettier/bin/prettier.cjs --check .
            find . -name '*.nix' -not -path './node_modules/*' -print0 \
              | xargs -0 -n1 nix-instantiate --parse > /dev/null
            touch $out
          '';

          # Every example evaluates to its committed manifest.json.
          examples = pkgs.runCommand "volplan-examples" { nativeBuildInputs = [ pkgs.jq ]; } (
            lib.concatMapStrings
              (name: ''
                jq -S . ${pkgs.writeText "${name}.json" (builtins.toJSON (import ./examples/${name} { }))} > evaluated.json
                jq -S . ${./examples/${name}/manifest.json} > committed.json
                diff -u committed.json evaluated.json
              '')
              exampleNames
            + "touch $out\n"
          );
        });

      formatter = forAllSystems (pkgs: pkgs.nixfmt);

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = [
            pkgs.nodejs
            pkgs.nix
            pkgs.jq
            pkgs.e2fsprogs
            pkgs.xfsprogs
            pkgs.btrfs-progs
            pkgs.dosfstools
            pkgs.util-linux
            pkgs.coreutils
          ];
        };
      });
    };
}
