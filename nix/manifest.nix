# Pure manifest builder: friendly Nix values in, the volplan manifest (schema/manifest.schema.json)
# out. builtins only, so it evaluates without nixpkgs:
#   nix-instantiate --eval --strict --json -E '(import ./nix/manifest.nix).mkManifest { ... }'
#
# Sizes: integer `size` is bytes (as in the manifest); strings such as "20GiB" or "512M" pass
# through after a check; `sizeMiB` takes integer MiB, the unit microvm.nix uses.
# Unset values (null, [], {}) are left out so the manifest stays minimal and volplan's own
# defaults apply.
#
# Every converter returns { value, problems }: buildManifest never throws on what it is given
# (the NixOS module turns its problems into assertions); mkManifest, fromMicrovm and fromMicrovms
# throw one message listing them.
let
  inherit (builtins)
    attrNames
    concatLists
    concatStringsSep
    elem
    filter
    foldl'
    groupBy
    head
    isAttrs
    isInt
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
    # Characters a FAT label may hold (src/manifest/check-format.ts).
    vfatLabel = "[A-Z0-9 !#$%&'()@^_`{}~-]+";
  };

  filesystems = [ "ext2" "ext3" "ext4" "xfs" "btrfs" "vfat" "swap" "none" ];

  # The smallest image mkfs formats and the longest label, by filesystem type; the same table as
  # src/manifest/fs-limits.ts (a test compares them).
  fsLimits = {
    ext2 = { minBytes = 106496; labelMaxBytes = 16; };
    ext3 = { minBytes = 2097152; labelMaxBytes = 16; };
    ext4 = { minBytes = 2097152; labelMaxBytes = 16; };
    xfs = { minBytes = 314572800; labelMaxBytes = 12; };
    btrfs = { minBytes = 114294784; labelMaxBytes = 255; };
    vfat = { minBytes = 51200; labelMaxBytes = 11; };
    swap = { minBytes = 40960; labelMaxBytes = 16; };
    none = { minBytes = null; labelMaxBytes = null; };
  };

  show = value: if isString value then "\"${value}\"" else if value == null then "null" else toString value;

  # Attributes whose value is unset (null, [] or {}) are dropped.
  compact = attrs: removeAttrs attrs (filter (n: elem attrs.${n} [ null [ ] { } ]) (attrNames attrs));

  ok = value: { inherit value; problems = [ ]; };
  bad = problem: { value = null; problems = [ problem ]; };
  problemsOf = results: concatLists (map (r: r.problems) results);

  # Results by name as one result: the values (unset ones dropped) and every problem.
  collect = results: {
    value = compact (mapAttrs (_: r: r.value) results);
    problems = problemsOf (map (n: results.${n}) (attrNames results));
  };

  # Attribute names the builder does not know, as a problem (a typo is not silently ignored).
  unknownNames = { what, known, attrs }:
    let unknown = filter (n: !(elem n known)) (attrNames attrs);
    in if unknown == [ ] then [ ]
    else [ "${what} has unknown attribute(s) ${concatStringsSep ", " unknown}; known attributes are ${concatStringsSep ", " known}. Fix the name or remove it." ];

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
    let p = pathString path;
    in
    if !isString p then bad "${what}: path must be a string, found ${typeOf p}. Write it as \"/var/lib/images/disk.img\"."
    else if !isAbsolute p && baseDir == null then bad "${what}: path \"${p}\" is relative and no directory was given to resolve it. Write an absolute path, or pass imageDir to mkManifest."
    else
      let full = if isAbsolute p then p else "${stripTrailingSlash (pathString baseDir)}/${p}";
      in if hasDotDot full then bad "${what}: path \"${full}\" has a \"..\" component, which volplan refuses. Write the path without \"..\"."
      else ok full;

  # A size for the manifest: integer bytes, or a string the schema accepts.
  toSize = { what, size ? null, sizeMiB ? null, minimum ? 1, required ? true }:
    if size != null && sizeMiB != null then bad "${what}: both size and sizeMiB are set. Keep one of them."
    else if sizeMiB != null then
      (if isInt sizeMiB && sizeMiB >= minimum then ok (sizeMiB * mib)
      else bad "${what}: sizeMiB = ${show sizeMiB} is not a whole number of MiB >= ${toString minimum}. Write it as sizeMiB = 512, or use size = \"512MiB\".")
    else if size == null then
      (if required then bad "${what}: no size is declared. Set size = \"20GiB\" (or bytes as an integer, or sizeMiB = 20480)." else ok null)
    else if isInt size then
      (if size >= minimum then ok size
      else bad "${what}: size = ${toString size} is below ${toString minimum} byte(s). Integer sizes are bytes; write a string such as \"20GiB\".")
    else if isString size && match (if minimum == 0 then patterns.reserve else patterns.size) size != null then ok size
    else bad "${what}: size ${show size} is not a size volplan reads. Write bytes as an integer or a string such as \"20GiB\", \"512MiB\" or \"20G\".";

  formatKeys = [ "type" "label" "uuid" "mkfsArgs" ];

  # `format` may be a file system type string or an attribute set { type, label, uuid, mkfsArgs }.
  toFormat = what: format:
    if format == null then ok null
    else if isString format then ok { type = format; }
    else {
      value = compact (removeAttrs format (filter (n: !(elem n formatKeys)) (attrNames format)));
      problems = unknownNames { what = "${what} format"; known = formatKeys; attrs = format; };
    };

  # `seed` may be a path, a derivation, a string, or { from, mode }.
  toSeed = what: seed:
    if seed == null then ok null
    else if isAttrs seed && !(seed ? outPath) then {
      value = compact { from = storePathString (seed.from or null); mode = seed.mode or null; };
      problems = unknownNames { what = "${what} seed"; known = [ "from" "mode" ]; attrs = seed; };
    }
    else ok { from = storePathString seed; };

  volumeKeys = [ "kind" "path" "size" "sizeMiB" "imageFormat" "allocation" "format" "seed" "growFilesystem" "owner" "group" "mode" ];

  # One volume as the manifest holds it.
  toVolume = { id, volume, baseDir ? null }:
    let
      what = "volume ${id}";
      get = n: volume.${n} or null;
      fields = collect {
        path = resolvePath { inherit what baseDir; path = get "path"; };
        size = toSize { inherit what; size = get "size"; sizeMiB = get "sizeMiB"; };
        kind = ok (get "kind");
        imageFormat = ok (get "imageFormat");
        allocation = ok (get "allocation");
        format = toFormat what (get "format");
        seed = toSeed what (get "seed");
        growFilesystem = ok (get "growFilesystem");
        owner = ok (get "owner");
        group = ok (get "group");
        mode = if get "mode" == null || isString (get "mode") then ok (get "mode")
          else bad "${what}: mode must be an octal string such as \"0660\" (Nix has no octal integers), found ${toString (get "mode")}.";
      };
    in
    fields // { problems = unknownNames { inherit what; known = volumeKeys; attrs = volume; } ++ fields.problems; };

  artifactKeys = [ "urls" "hash" "fileName" "size" "sizeMiB" "path" ];

  # One artifact as the manifest holds it.
  toArtifact = { id, artifact }:
    let
      what = "artifact ${id}";
      get = n: artifact.${n} or null;
      urls = get "urls";
      fields = collect {
        urls = ok (if isString urls then [ urls ] else urls);
        hash = ok (get "hash");
        fileName = ok (get "fileName");
        size = toSize { inherit what; size = get "size"; sizeMiB = get "sizeMiB"; required = false; };
        path = if get "path" == null then ok null else resolvePath { inherit what; path = storePathString (get "path"); };
      };
    in
    fields // { problems = unknownNames { inherit what; known = artifactKeys; attrs = artifact; } ++ fields.problems; };

  toPolicy = policy:
    if policy == null then ok null
    else
      let
        fields = collect {
          reserve = if policy.reserve or null == null then ok null else toSize { what = "policy.reserve"; size = policy.reserve; minimum = 0; };
          overcommit = ok (policy.overcommit or null);
        };
      in
      fields // { problems = unknownNames { what = "policy"; known = [ "reserve" "overcommit" ]; attrs = policy; } ++ fields.problems; };

  # Messages for volumes that share one image path (each names the ids, the path and the fix).
  sharedPaths = volumes:
    let
      withPath = filter (id: isString (volumes.${id}.path or null)) (attrNames volumes);
      byPath = groupBy (id: volumes.${id}.path) withPath;
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

  # File systems volplan creates for microvm.nix volumes (swap and raw are not microvm fsTypes).
  microvmFilesystems = [ "ext2" "ext3" "ext4" "xfs" "btrfs" "vfat" ];

  # microvm.nix's defaults for a volume (nixos-modules/microvm/options.nix), for guests given as
  # plain attribute sets; volumes evaluated by its options already carry them.
  microvmDefaults = { autoCreate = true; fsType = "ext4"; label = null; mkfsExtraArgs = [ ]; imageType = "raw"; };

  baseName = p: let parts = filter isString (builtins.split "/" p); in builtins.elemAt parts (length parts - 1);

  dropImgSuffix = n:
    let l = stringLength n;
    in if l > 4 && substring (l - 4) 4 n == ".img" then substring 0 (l - 4) n else n;

  # Why a microvm.nix volume's label cannot be created as declared, with the fix; [] when it can.
  labelProblems = { what, fsType, label }:
    let max = fsLimits.${fsType}.labelMaxBytes;
    in
    if label == null || label == "" then [ ]
    else if stringLength label > max then [ "${what}: label = ${show label} is ${toString (stringLength label)} bytes, but ${fsType} labels hold at most ${toString max} (mkfs would cut it, and the guest would not find its file system by label). Shorten the label in the guest's microvm.volumes." ]
    else if fsType == "vfat" && match patterns.vfatLabel label == null then [ "${what}: label = ${show label} has lower-case letters or characters FAT labels cannot hold. Use upper-case A-Z, digits, spaces and !#$%&'()-@^_`{}~ in the guest's microvm.volumes (and mount it by that label)." ]
    else [ ];

  # Why a microvm.nix image is too small for its file system, with the fix; [] when it is not.
  sizeProblems = { what, fsType, sizeMiB }:
    let min = fsLimits.${fsType}.minBytes;
    in
    if sizeMiB * mib >= min then [ ]
    else [ "${what}: size = ${toString sizeMiB} (MiB) is below the ${toString min} bytes mkfs needs for ${fsType}. Set size to at least ${toString ((min + mib - 1) / mib)} in the guest's microvm.volumes." ];

  # Why an image of this imageType cannot be created for this hypervisor, with the fix; [] when it
  # can. microvm.nix passes imageType to cloud-hypervisor only; the other hypervisors open every
  # volume as raw, so a qcow2 image there would be read as raw bytes by the guest.
  imageTypeProblems = { what, imageType, hypervisor }:
    if imageType == "raw" then [ ]
    else if imageType != "qcow2" then [ "${what}: imageType ${show imageType} is not one volplan creates (raw, qcow2). Set imageType = \"raw\" or \"qcow2\", or autoCreate = false and manage the image yourself." ]
    else if hypervisor != "cloud-hypervisor" then [ "${what}: imageType \"qcow2\" is passed to cloud-hypervisor only; ${show hypervisor} opens every volume as raw, so the guest could not read a qcow2 image. Set imageType = \"raw\", or hypervisor = \"cloud-hypervisor\"." ]
    else [ ];

  # A microvm.nix image as a volume: an image file (raw, or qcow2 for imageType = "qcow2"), or a
  # block device when it lies under /dev.
  microvmImage = { what, path, v, hypervisor, owner, group, mode }:
    let
      isDevice = substring 0 5 path == "/dev/";
      qcow2 = v.imageType == "qcow2";
      fsProblems = imageTypeProblems { inherit what hypervisor; inherit (v) imageType; }
        ++ labelProblems { inherit what; inherit (v) fsType label; }
        ++ sizeProblems { inherit what; inherit (v) fsType; sizeMiB = v.size; };
    in
    if isDevice then ok { kind = "block-device"; inherit path; size = v.size * mib; }
    else if !(elem v.fsType microvmFilesystems) then bad "${what}: fsType ${show v.fsType} is not one volplan creates (${concatStringsSep ", " microvmFilesystems}). Use one of those, or set autoCreate = false and create the image yourself."
    else if fsProblems != [ ] then { value = null; problems = fsProblems; }
    else ok (compact {
      inherit path owner group mode;
      size = v.size * mib;
      imageFormat = if qcow2 then "qcow2" else null;
      format = compact { type = v.fsType; label = v.label; mkfsArgs = v.mkfsExtraArgs; };
      # Why "host": the guest's volumes are offline until microvm@<name> starts, and microvm.nix
      # mounts them without x-systemd.growfs, so nothing in the guest would grow xfs or btrfs.
      # Not inside a qcow2 image: volplan does not resize a filesystem there, the guest does.
      growFilesystem = if !qcow2 && elem v.fsType [ "xfs" "btrfs" ] then "host" else null;
    });

  # One microvm.nix volume: { entries = [ { name = id; value = volume; } ]; problems } (no entry
  # when autoCreate = false: microvm.nix leaves it alone, and so does volplan).
  microvmVolume = { vm, vmDir, hypervisor, owner, group, mode }: volume:
    let
      v = microvmDefaults // volume;
      image = pathString (v.image or null);
      what = "microvm ${vm}: volume ${show image}";
      resolved = resolvePath { inherit what; path = image; baseDir = vmDir; };
      converted = microvmImage { inherit what hypervisor owner group mode v; path = resolved.value; };
    in
    if !v.autoCreate then { entries = [ ]; problems = [ ]; }
    else if image == null then { entries = [ ]; problems = [ "microvm ${vm}: a volume has no image. Set image = \"data.img\"." ]; }
    else if !isInt (v.size or null) || v.size < 1 then { entries = [ ]; problems = [ "${what}: size must be a whole number of MiB >= 1 as in microvm.nix, found ${show (v.size or null)}. Set size = 2048, or autoCreate = false." ]; }
    else if resolved.problems != [ ] then { entries = [ ]; inherit (resolved) problems; }
    else if converted.problems != [ ] then { entries = [ ]; inherit (converted) problems; }
    else { entries = [{ name = "${vm}/${dropImgSuffix (baseName image)}"; value = converted.value; }]; problems = [ ]; };

  # One microvm.nix guest's volumes, keyed "<vm>/<image basename without .img>", and the problems
  # found in them. hypervisor defaults to microvm.nix's own default.
  microvmGuest =
    { name
    , stateDir ? "/var/lib/microvms"
    , volumes ? [ ]
    , hypervisor ? "qemu"
    , owner ? "microvm"
    , group ? "kvm"
    , mode ? "0660"
    , ...
    }:
    let
      converted = map
        (microvmVolume {
          vm = name;
          vmDir = "${stripTrailingSlash (pathString stateDir)}/${name}";
          inherit hypervisor owner group mode;
        })
        volumes;
      entries = concatLists (map (c: c.entries) converted);
      ids = map (e: e.name) entries;
      dupes = filter (id: length (filter (x: x == id) ids) > 1) ids;
    in
    {
      volumes = listToAttrs entries;
      problems = problemsOf converted
        ++ (if dupes == [ ] then [ ] else [ "microvm ${name}: two volumes map to the id ${head dupes} (same image file name in different directories). Rename one image file." ]);
    };

  # Several guests' volumes as one set, and the problems found in them.
  microvmGuests = vms:
    let
      guests = map microvmGuest vms;
      byName = groupBy (vm: vm.name) vms;
      twice = filter (n: length byName.${n} > 1) (attrNames byName);
    in
    {
      volumes = foldl' (acc: g: acc // g.volumes) { } guests;
      problems = concatLists (map (g: g.problems) guests)
        ++ map (n: "microvm ${n} is declared ${toString (length byName.${n})} times. Keep one declaration per VM name.") twice;
    };

  # Throws one message listing the problems, or returns the value when there are none.
  orThrow = { what, value, problems }:
    if problems == [ ] then value
    else throw "volplan: ${toString (length problems)} problem(s) in ${what}:\n- ${concatStringsSep "\n- " problems}";

  # Volumes of one microvm.nix guest, keyed "<vm>/<image basename without .img>".
  fromMicrovm = vm:
    let g = microvmGuest vm;
    in orThrow { what = "microvm ${vm.name}"; value = g.volumes; inherit (g) problems; };

  # Volumes of several microvm.nix guests; an image shared between them is refused.
  fromMicrovms = vms:
    let g = microvmGuests vms;
    in orThrow { what = "the microvm guests"; value = g.volumes; problems = g.problems ++ sharedPaths g.volumes; };

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
      ownValues = mapAttrs (_: r: r.value) own;
      guests = microvmGuests microvms;
      clashes = filter (id: own ? ${id}) (attrNames guests.volumes);
      allVolumes = guests.volumes // ownValues;
      arts = mapAttrs (id: artifact: toArtifact { inherit id artifact; }) artifacts;
      artValues = mapAttrs (_: r: r.value) arts;
      state = if stateDir == null then ok null else resolvePath { what = "stateDir"; path = stateDir; };
      pol = toPolicy policy;
    in
    {
      manifest = compact {
        version = 1;
        stateDir = state.value;
        policy = pol.value;
        volumes = allVolumes;
        artifacts = artValues;
      };
      problems =
        state.problems
        ++ pol.problems
        ++ problemsOf (map (id: own.${id}) (attrNames own))
        ++ problemsOf (map (id: arts.${id}) (attrNames arts))
        ++ guests.problems
        ++ map (id: "volume ${id} is declared both directly and by a microvm guest. Rename the direct declaration or drop it.") clashes
        ++ sharedPaths allVolumes
        ++ badIds { pattern = patterns.volumeId; kind = "volume"; ids = attrNames allVolumes; }
        ++ badIds { pattern = patterns.artifactId; kind = "artifact"; ids = attrNames artValues; }
        ++ artifactProblems artValues;
    };

  # The manifest; throws one message listing every problem when there are any.
  mkManifest = args:
    let built = buildManifest args;
    in orThrow { what = "the manifest"; value = built.manifest; inherit (built) problems; };
in
{
  inherit mkManifest buildManifest fromMicrovm fromMicrovms sharedPaths filesystems fsLimits;
}
