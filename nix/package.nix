# The volplan CLI: the bundled program in dist/ run by Node.js, with the tools it drives (mkfs for
# every supported filesystem, losetup, fallocate, cp, qemu-img) on the wrapper's PATH, so it never
# depends on the host's. Dependencies come from package-lock.json through importNpmLock (no vendored hash).
{ lib
, buildNpmPackage
, importNpmLock
, nodejs
, makeWrapper
, installShellFiles
, coreutils
, util-linux
, e2fsprogs
, xfsprogs
, btrfs-progs
, dosfstools
, qemu-utils
, testers
}:
let
  root = ../.;
  packageJson = lib.importJSON (root + "/package.json");
  # qemu-utils: qemu-img alone (no emulators), for qcow2 images.
  runtimeTools = [ coreutils util-linux e2fsprogs xfsprogs btrfs-progs dosfstools qemu-utils ];

  # The built program, relative to dist/ (the only place the package names it).
  program = "volplan.cjs";

  # Only what the build and its check phase read, listed in package-files.json, which
  # test/nix/package-check.test.ts copies to run this package's check phase on exactly these.
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions (map (path: root + "/${path}") (lib.importJSON ./package-files.json).paths);
  };
in
buildNpmPackage {
  pname = "volplan";
  inherit (packageJson) version;

  inherit src;
  npmDeps = importNpmLock { npmRoot = src; };
  npmConfigHook = importNpmLock.npmConfigHook;

  inherit nodejs;
  nativeBuildInputs = [ makeWrapper installShellFiles ];
  nativeCheckInputs = runtimeTools;

  npmBuildScript = "build";

  # Unit tests only: tests that need root, mounts or loop devices skip outside CI (CI is unset
  # in the build sandbox); test/nix needs Nix and the third-party Nix sources, which the flake's
  # `examples` and `format` checks and CI cover instead.
  doCheck = true;
  checkPhase = ''
    runHook preCheck
    HOME="$TMPDIR" npx vitest run --exclude 'test/nix/**'
    runHook postCheck
  '';

  installPhase = ''
    runHook preInstall
    # dist/ whole: the program may load files beside it.
    mkdir -p "$out/lib/volplan"
    cp -r dist/. "$out/lib/volplan/"
    cp -r schema "$out/lib/volplan/schema"
    makeWrapper ${lib.getExe nodejs} "$out/bin/volplan" \
      --add-flags "$out/lib/volplan/${program}" \
      --prefix PATH : ${lib.makeBinPath runtimeTools}
    # The man page (generated from the command table, like --help) and completions for each shell.
    installManPage man/volplan.1
    installShellCompletion --cmd volplan \
      --bash <("$out/bin/volplan" completion bash) \
      --zsh <("$out/bin/volplan" completion zsh) \
      --fish <("$out/bin/volplan" completion fish)
    runHook postInstall
  '';

  # The installed wrapper runs, reports this version, and validates a manifest.
  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    [ "$("$out/bin/volplan" --version)" = ${lib.escapeShellArg packageJson.version} ]
    "$out/bin/volplan" validate examples/basic/manifest.json
    runHook postInstallCheck
  '';

  passthru.tests.vm = testers.runNixOSTest ./tests/vm.nix;

  meta = {
    description = packageJson.description;
    license = lib.licenses.mit;
    mainProgram = "volplan";
    platforms = lib.platforms.linux;
  } // lib.optionalAttrs (packageJson ? homepage) { inherit (packageJson) homepage; };
}
