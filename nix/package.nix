# The volplan CLI: a bundled CommonJS entry (dist/volplan.cjs, its chunks in dist/chunks/) run by
# Node.js, with the tools it drives (mkfs for every supported filesystem, losetup, fallocate, cp)
# on the wrapper's PATH, so it never depends on the host's. Dependencies come from
# package-lock.json through importNpmLock (no vendored hash).
{ lib
, buildNpmPackage
, importNpmLock
, nodejs
, makeWrapper
, coreutils
, util-linux
, e2fsprogs
, xfsprogs
, btrfs-progs
, dosfstools
}:
let
  root = ../.;
  packageJson = lib.importJSON (root + "/package.json");
  runtimeTools = [ coreutils util-linux e2fsprogs xfsprogs btrfs-progs dosfstools ];

  # Only what the build and its tests read; scripts/, test/ and vitest.config.ts are used by the
  # build and checkPhase, and only dist/ and schema/ are installed.
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions [
      (root + "/package.json")
      (root + "/package-lock.json")
      (root + "/tsconfig.json")
      (root + "/vitest.config.ts")
      (root + "/src")
      (root + "/schema")
      # build.mjs builds; the rest, and the generated reference, are read by test/generated.test.ts.
      (root + "/scripts")
      (lib.fileset.maybeMissing (root + "/docs/manifest-reference.md"))
      (root + "/test")
    ];
  };
in
buildNpmPackage {
  pname = "volplan";
  inherit (packageJson) version;

  inherit src;
  npmDeps = importNpmLock { npmRoot = src; };
  npmConfigHook = importNpmLock.npmConfigHook;

  inherit nodejs;
  nativeBuildInputs = [ makeWrapper ];
  nativeCheckInputs = runtimeTools;

  npmBuildScript = "build";

  # Unit tests only: tests that need root, mounts or loop devices skip outside CI (CI is unset
  # in the build sandbox); test/nix reads nix/ and examples/, which are checked by the flake's
  # `examples` and `format` checks instead.
  doCheck = true;
  checkPhase = ''
    runHook preCheck
    HOME="$TMPDIR" npx vitest run --exclude 'test/nix/**'
    runHook postCheck
  '';

  installPhase = ''
    runHook preInstall
    # dist/ whole: volplan.cjs loads each command's code from dist/chunks/ on demand.
    mkdir -p "$out/lib/volplan"
    cp -r dist/. "$out/lib/volplan/"
    cp -r schema "$out/lib/volplan/schema"
    makeWrapper ${lib.getExe nodejs} "$out/bin/volplan" \
      --add-flags "$out/lib/volplan/volplan.cjs" \
      --prefix PATH : ${lib.makeBinPath runtimeTools}
    runHook postInstall
  '';

  meta = {
    description = packageJson.description;
    license = lib.licenses.mit;
    mainProgram = "volplan";
    platforms = lib.platforms.linux;
  };
}
