# The option tree of nix/module.nix's services.volplan, evaluated with a stub lib that only
# records option declarations (no nixpkgs needed): each option becomes null (or "no description"
# when it has none), a submodule becomes
# the tree of its options, and attrsOf submodule becomes { "*" = tree; }.
let
  option = attrs: attrs // { _isOption = true; };
  leaf = name: { _kind = name; };
  types = {
    str = leaf "str";
    path = leaf "path";
    bool = leaf "bool";
    int = leaf "int";
    package = leaf "package";
    anything = leaf "anything";
    unspecified = leaf "unspecified";
    ints = {
      positive = leaf "int";
      unsigned = leaf "int";
      between = _: _: leaf "int";
    };
    strMatching = _: leaf "str";
    enum = _: leaf "enum";
    nullOr = t: t;
    either = a: b: if a._kind == "submodule" then a else if b._kind == "submodule" then b else leaf "either";
    listOf = t: { _kind = "listOf"; elem = t; };
    attrsOf = t: { _kind = "attrsOf"; elem = t; };
    submodule = m: { _kind = "submodule"; inherit (m) options; };
  };
  lib = {
    inherit types;
    mkOption = option;
    mkEnableOption = name: option { type = types.bool; description = "Whether to enable ${name}."; };
    literalExpression = text: text;
    literalMD = text: text;
  };
  module = import ../../nix/module.nix { inherit lib; config = { }; pkgs = { }; };

  shape = type:
    if type._kind == "submodule" then tree type.options
    else if type._kind == "attrsOf" && shape type.elem != null then { "*" = shape type.elem; }
    else null;
  described = o: builtins.isString (o.description or null) && o.description != "";
  tree = options: builtins.mapAttrs
    (_: o:
      if !(o ? _isOption) then tree o
      else if described o then shape o.type
      else "no description")
    options;
in
tree module.options.services.volplan
