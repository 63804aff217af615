# Pure manifest builder: friendly Nix values in, the volplan manifest (schema/manifest.schema.json)
# out. builtins only, so it evaluates without nixpkgs:
#   nix-instantiate --eval --strict --json -E '(import ./nix/manifest.nix).mkManifest { ... }'
#
# Sizes: integer `size` is bytes (as in the manifest); strings such as "20GiB" or "512M" pass
# through after a check; `sizeMiB` takes integer MiB, the unit microvm.nix uses.
# Unset values (null, [], {}) are left out so the manifest stays minimal and volplan's own
# defaults apply.
let
  inherit (builtins)
    attrNames
    concatLists
    concatStringsSep
    elem
    filter
    foldl'
    groupBy
    isAttrs
    isInt
    isList
    isPath
    isString
    length
    listToAttrs
    mapAttrs
    match
    removeAttrs
    stringLength
    substring
    throw
    toString
    typeOf
    ;

  mib = 1048576;

  # Patterns copied from schema/manifest.schema.json (builtins.match anchors the whole string).
  patterns = {
    size = "[0-9]+(\\.[0-9]+)?[ ]?([KMGTP]i?B?|[kK]B?|B)?";
    reserve = "([0-9]+(\\.[0-9]+)?%|[0-9]+(\\.[0-9]+)?[ ]?([KMGTP]i?B?|[kK]B?|B)?)";
    volumeId = "[A-Za-z0-9_][A-Za-z0-9_.@+-]*(/[A-Za-z0-9_][A-Za-z0-9_.@+-]*)*";
    artifactId = "[A-Za-z0-9_][A-Za-z0-9_.-]*";
  };

  filesystems = [ "ext2" "ext3" "ext4" "xfs" "btrfs" "vfat" "swap" "none" ];

  show = value: if isString value then "\"${value}\"" else toString value;

  # Attributes whose value is unset (null, [] or {}) are dropped.
  compact = attrs: removeAttrs attrs (filter (n: elem attrs.${n} [ null [ ] { } ]) (attrNames attrs));

  # Refuses attribute names the builder does not know, so a typo is not silently ignored.
  onlyKnown = { what, known, attrs }:
    let unknown = filter (n: !(elem n known)) (attrNames attrs);
    in if unknown == [ ] then attrs
    else throw "volplan: ${what} has unknown attribute(s) ${concatStringsSep ", " unknown}; known attributes are ${concatStringsSep ", " known}. Fix the name or remove it.";

  # A host path given as a path value or a string, as a string (never copied to the store).
  pathString = value: if isPath value then toString value else value;

  # A store path, a derivation, a path value (copied to the store) or a string, as a string.
  storePathString = value: if isPath value || (isAttrs value && value ? outPath) then "${value}" else value;

  isAbsolute = p: substring 0 1 p == "/";

  hasDotDot = p: elem ".." (filter isString (builtins.split "/" p));

  stripTrailingSlash = p:
    if stringLength p > 1 && substring (stringLength p - 1) 1 p == "/"
    then stripTrailingSlash (substring 0 (stringLength p - 1) p)
    else p;

  # Absolute path of an image: absolute paths as given, relative ones under baseDir.
  resolvePath = { what, path, baseDir ? null }:
    let
      p = pathString path;
      full =
        if !isString p then throw "volplan: ${what}: path must be a string, found ${typeOf p}. Write it as \"/var/lib/images/disk.img\"."
        else if isAbsolute p then p
        else if baseDir == null then throw "volplan: ${what}: path \"${p}\" is relative and no directory was given to resolve it. Write an absolute path, or pass imageDir to mkManifest."
        else "${stripTrailingSlash (pathString baseDir)}/${p}";
    in
    if hasDotDot full then throw "volplan: ${what}: path \"${full}\" has a \"..\" component, which volplan refuses. Write the path without \"..\"."
    else full;

  # A size for the manifest: integer bytes, or a string the schema accepts.
  toSize = { what, size ? null, sizeMiB ? null, minimum ? 1, required ? true }:
    if size != null && sizeMiB != null then throw "volplan: ${what}: both size and sizeMiB are set. Keep one of them."
    else if sizeMiB != null then
      (if isInt sizeMiB && sizeMiB >= minimum then sizeMiB * mib
      else throw "volplan: ${what}: sizeMiB = ${show sizeMiB} is not a whole number of MiB >= ${toString minimum}. Write it as sizeMiB = 512, or use size = \"512MiB\".")
    else if size == null then
      (if required then throw "volplan: ${what}: no size is declared. Set size = \"20GiB\" (or bytes as an integer, or sizeMiB = 20480)." else null)
    else if isInt size then
      (if size >= minimum then size
      else throw "volplan: ${what}: size = ${toString size} is below ${toString minimum} byte(s). Integer sizes are bytes; write a string such as \"20GiB\".")
    else if isString size && match (if minimum == 0 then patterns.reserve else patterns.size) size != null then size
    else throw "volplan: ${what}: size ${show size} is not a size volplan reads. Write bytes as an integer or a string such as \"20GiB\", \"512MiB\" or \"20G\".";

  # `format` may be a file system type string or an attribute set { type, label, uuid, mkfsArgs }.
  toFormat = what: format:
    if format == null then null
    else if isString format then { type = format; }
    else compact (onlyKnown { what = "${what} format"; known = [ "type" "label" "uuid" "mkfsArgs" ]; attrs = format; });

  # `seed` may be a path, a derivation, a string, or { from }.
  toSeed = what: seed:
    if seed == null then null
    else if isAttrs seed && !(seed ? outPath) then
      compact (onlyKnown { what = "${what} seed"; known = [ "from" ]; attrs = seed; } // { from = storePathString seed.from; })
    else { from = storePathString seed; };

  volumeKeys = [ "kind" "path" "size" "sizeMiB" "allocation" "format" "seed" "growFilesystem" "owner" "group" "mode" ];

  # One volume as the manifest holds it.
  toVolume = { id, volume, baseDir ? null }:
    let
      what = "volume ${id}";
      v = onlyKnown { inherit what; known = volumeKeys; attrs = volume; };
      get = n: v.${n} or null;
    in
    if get "mode" != null && !(isString (get "mode")) then
      throw "volplan: ${what}: mode must be an octal string such as \"0660\" (Nix has no octal integers), found ${toString (get "mode")}."
    else compact {
      path = resolvePath { inherit what baseDir; path = get "path"; };
      size = toSize { inherit what; size = get "size"; sizeMiB = get "sizeMiB"; };
      kind = get "kind";
      allocation = get "allocation";
      format = toFormat what (get "format");
      seed = toSeed what (get "seed");
      growFilesystem = get "growFilesystem";
      owner = get "owner";
      group = get "group";
      mode = get "mode";
    };

  artifactKeys = [ "urls" "hash" "fileName" "size" "sizeMiB" "path" ];

  # One artifact as the manifest holds it.
  toArtifact = { id, artifact }:
    let
      what = "artifact ${id}";
      a = onlyKnown { inherit what; known = artifactKeys; attrs = artifact; };
      get = n: a.${n} or null;
      urls = get "urls";
    in
    compact {
      urls = if isString urls then [ urls ] else urls;
      hash = get "hash";
      fileName = get "fileName";
      size = toSize { inherit what; size = get "size"; sizeMiB = get "sizeMiB"; required = false; };
      path = if get "path" == null then null else resolvePath { inherit what; path = storePathString (get "path"); };
    };

  toPolicy = policy:
    if policy == null then null
    else
      let p = onlyKnown { what = "policy"; known = [ "reserve" "overcommit" ]; attrs = policy; };
      in compact {
        reserve = if p.reserve or null == null then null else toSize { what = "policy.reserve"; size = p.reserve; minimum = 0; };
        overcommit = p.overcommit or null;
      };

  # Messages for volumes that share one image path (each names the ids, the path and the fix).
  sharedPaths = volumes:
    let
      byPath = groupBy (id: volumes.${id}.path) (attrNames volumes);
      shared = filter (path: length byPath.${path} > 1) (attrNames byPath);
    in
    map (path: "volumes ${concatStringsSep " and " byPath.${path}} use the same image ${path}; an image used by two volumes (or two VMs) would be grown and formatted twice and written by both guests. Give each its own image path, or keep one declaration and set autoCreate = false on the others (microvm.nix) so volplan manages it once.") shared;

  badIds = { pattern, kind, ids }:
    map (id: "${kind} id \"${id}\" has characters volplan does not accept in ids. Use letters, digits and _ . @ + - separated by \"/\", for example \"web/root\".")
      (filter (id: match pattern id == null || stringLength id > 200) ids);

  artifactProblems = artifacts: concatLists (map
    (id:
      let a = artifacts.${id}; in
      (if a ? urls && a ? path then [ "artifact ${id} sets both urls and path. Keep urls (downloaded and pinned by hash) or path (a Nix store path used in place), not both." ] else [ ])
      ++ (if !(a ? urls) && !(a ? path) then [ "artifact ${id} has neither urls nor path. Set urls = [ \"https://...\" ] with hash, or path to a Nix store path." ] else [ ])
      ++ (if a ? urls && !(a ? hash) then [ "artifact ${id} is downloaded from urls but has no hash. Set hash = \"sha256-...\" (run the download once with a fake hash; nix-prefetch-url prints it)." ] else [ ]))
    (attrNames artifacts));

  microvmFilesystems = [ "ext2" "ext3" "ext4" "xfs" "btrfs" "vfat" ];

  baseName = p: let parts = filter isString (builtins.split "/" p); in builtins.elemAt parts (length parts - 1);

  dropImgSuffix = n:
    let l = stringLength n;
    in if l > 4 && substring (l - 4) 4 n == ".img" then substring 0 (l - 4) n else n;

  # One microvm.nix volume as [ { name = id; value = volume; } ] (empty when autoCreate = false).
  microvmVolume = { vm, vmDir, writableStoreOverlay, owner, group, mode }: volume:
    let
      v = { autoCreate = true; fsType = "ext4"; label = null; mkfsExtraArgs = [ ]; imageType = "raw"; mountPoint = null; } // volume;
      what = "microvm ${vm}: volume ${show (v.image or "?")}";
      id = "${vm}/${dropImgSuffix (baseName v.image)}";
      isOverlay = writableStoreOverlay != null && v.mountPoint == writableStoreOverlay;
    in
    if !v.autoCreate then [ ]
    else if !(v ? image) then throw "volplan: microvm ${vm}: a volume has no image. Set image = \"data.img\"."
    else if !(elem v.fsType microvmFilesystems) then throw "volplan: ${what}: fsType \"${v.fsType}\" is not one volplan creates (${concatStringsSep ", " microvmFilesystems}). Use one of those, or set autoCreate = false and create the image yourself."
    else if v.imageType != "raw" then throw "volplan: ${what}: imageType \"${v.imageType}\" is not raw; volplan creates and grows raw images only. Set imageType = \"raw\", or autoCreate = false and manage the image yourself."
    else if !(v ? size) || !(isInt v.size) then throw "volplan: ${what}: size must be an integer number of MiB as in microvm.nix, found ${show (v.size or null)}. Set size = 2048, or autoCreate = false."
    else [{
      name = id;
      value = compact {
        path = resolvePath { inherit what; path = v.image; baseDir = vmDir; };
        size = toSize { inherit what; sizeMiB = v.size; };
        format = compact { type = v.fsType; label = v.label; mkfsArgs = v.mkfsExtraArgs; };
        # The store overlay is mounted in the initrd, before any guest-side growfs could run.
        growFilesystem = if isOverlay && elem v.fsType [ "xfs" "btrfs" ] then "host" else null;
        inherit owner group mode;
      };
    }];

  # Volumes of one microvm.nix guest, keyed "<vm>/<image basename without .img>".
  fromMicrovm =
    { name
    , stateDir ? "/var/lib/microvms"
    , volumes ? [ ]
    , writableStoreOverlay ? null
    , owner ? "microvm"
    , group ? "kvm"
    , mode ? "0660"
    , ...
    }:
    let
      entries = concatLists (map
        (microvmVolume {
          vm = name;
          vmDir = "${stripTrailingSlash (pathString stateDir)}/${name}";
          inherit writableStoreOverlay owner group mode;
        })
        volumes);
      ids = map (e: e.name) entries;
      dupes = filter (id: length (filter (x: x == id) ids) > 1) ids;
    in
    if dupes != [ ] then throw "volplan: microvm ${name}: two volumes map to the id ${builtins.head dupes} (same image file name in different directories). Rename one image file."
    else listToAttrs entries;

  mergeMicrovms = vms: foldl'
    (acc: vm:
      let vols = fromMicrovm vm;
      in if builtins.any (id: acc ? ${id}) (attrNames vols)
      then throw "volplan: microvm ${vm.name} is declared twice. Keep one declaration per VM name."
      else acc // vols)
    { }
    vms;

  # Volumes of several microvm.nix guests; an image shared between them is refused.
  fromMicrovms = vms:
    let
      merged = mergeMicrovms vms;
      shared = sharedPaths merged;
    in
    if shared == [ ] then merged else throw "volplan: ${builtins.head shared}";

  # The manifest and the problems found in it (for NixOS assertions); nothing here throws on them.
  buildManifest =
    { stateDir ? null
    , policy ? null
    , volumes ? { }
    , artifacts ? { }
    , imageDir ? null
    , microvms ? [ ]
    }:
    let
      own = mapAttrs (id: volume: toVolume { inherit id volume; baseDir = imageDir; }) volumes;
      fromVms = mergeMicrovms microvms;
      clashes = filter (id: own ? ${id}) (attrNames fromVms);
      allVolumes = fromVms // own;
      arts = mapAttrs (id: artifact: toArtifact { inherit id artifact; }) artifacts;
      manifest = compact {
        version = 1;
        stateDir = if stateDir == null then null else resolvePath { what = "stateDir"; path = stateDir; };
        policy = toPolicy policy;
        volumes = allVolumes;
        artifacts = arts;
      };
    in
    {
      inherit manifest;
      problems =
        map (id: "volume ${id} is declared both directly and by a microvm guest. Rename the direct declaration or drop it.") clashes
        ++ sharedPaths allVolumes
        ++ badIds { pattern = patterns.volumeId; kind = "volume"; ids = attrNames allVolumes; }
        ++ badIds { pattern = patterns.artifactId; kind = "artifact"; ids = attrNames arts; }
        ++ artifactProblems arts;
    };

  # The manifest; throws one message listing every problem when there are any.
  mkManifest = args:
    let built = buildManifest args;
    in
    if built.problems == [ ] then built.manifest
    else throw "volplan: the manifest has ${toString (length built.problems)} problem(s):\n- ${concatStringsSep "\n- " built.problems}";
in
{
  inherit mkManifest buildManifest fromMicrovm fromMicrovms sharedPaths filesystems;
}
