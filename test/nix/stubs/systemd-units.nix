# systemd.services and systemd.targets with the option types of nixpkgs'
# nixos/lib/systemd-unit-options.nix: unit names are checked, lists of units concatenate, and
# unitConfig/serviceConfig values merge as systemd options (lists concatenate, scalars must agree).
# Only declarations: nothing here writes unit files.
{ lib, ... }:
let
  t = lib.types;

  unitNameType = t.strMatching "[a-zA-Z0-9@%:_.\\-]+[.](service|socket|device|mount|automount|swap|target|path|timer|scope|slice)";

  unitOption = lib.mkOptionType {
    name = "systemd option";
    merge = loc: defs:
      let defs' = lib.filterOverrides defs;
      in
      if lib.any (def: lib.isList def.value) defs'
      then lib.concatMap (def: lib.toList def.value) defs'
      else lib.mergeEqualOption loc defs';
  };

  oneOfValues = name: allowed: attrs:
    !(attrs ? ${name}) || lib.elem attrs.${name} allowed;

  # nixpkgs' checkService: Type and Restart take only the values systemd knows.
  checkService = attrs:
    oneOfValues "Type" [ "exec" "simple" "forking" "oneshot" "dbus" "notify" "notify-reload" "idle" ] attrs
    && oneOfValues "Restart" [ "no" "on-success" "on-failure" "on-abnormal" "on-abort" "always" ] attrs;

  units = t.listOf unitNameType;
  unitList = lib.mkOption { type = units; default = [ ]; };

  commonUnitOptions = {
    options = {
      enable = lib.mkOption { type = t.bool; default = true; };
      overrideStrategy = lib.mkOption { type = t.enum [ "asDropinIfExists" "asDropin" ]; default = "asDropinIfExists"; };
      description = lib.mkOption { type = t.singleLineStr; default = ""; };
      documentation = lib.mkOption { type = t.listOf t.str; default = [ ]; };
      unitConfig = lib.mkOption { type = t.attrsOf unitOption; default = { }; };
      restartTriggers = lib.mkOption { type = t.listOf t.unspecified; default = [ ]; };
      reloadTriggers = lib.mkOption { type = t.listOf unitOption; default = [ ]; };
    } // lib.genAttrs [
      "requiredBy" "upheldBy" "wantedBy" "aliases" "requires" "wants" "upholds" "after" "before"
      "bindsTo" "partOf" "conflicts" "requisite" "propagatesReloadTo" "onFailure" "onSuccess"
    ] (_: unitList);
  };

  serviceOptions = {
    options = {
      environment = lib.mkOption { type = t.attrsOf (t.nullOr (t.oneOf [ t.str t.path t.package ])); default = { }; };
      path = lib.mkOption { type = t.listOf (t.oneOf [ t.package t.str ]); default = [ ]; };
      serviceConfig = lib.mkOption { type = t.addCheck (t.attrsOf unitOption) checkService; default = { }; };
      script = lib.mkOption { type = t.lines; default = ""; };
      scriptArgs = lib.mkOption { type = t.str; default = ""; };
      preStart = lib.mkOption { type = t.lines; default = ""; };
      postStart = lib.mkOption { type = t.lines; default = ""; };
      reload = lib.mkOption { type = t.lines; default = ""; };
      preStop = lib.mkOption { type = t.lines; default = ""; };
      postStop = lib.mkOption { type = t.lines; default = ""; };
      restartIfChanged = lib.mkOption { type = t.bool; default = true; };
      reloadIfChanged = lib.mkOption { type = t.bool; default = false; };
      stopIfChanged = lib.mkOption { type = t.bool; default = true; };
      startAt = lib.mkOption { type = t.either t.str (t.listOf t.str); default = [ ]; };
    };
  };
in
{
  options.systemd = {
    services = lib.mkOption {
      type = t.attrsOf (t.submodule [ commonUnitOptions serviceOptions ]);
      default = { };
    };
    targets = lib.mkOption {
      type = t.attrsOf (t.submodule [ commonUnitOptions ]);
      default = { };
    };
  };
}
