# system.activationScripts with the type of nixpkgs' activation-script.nix (a string, or
# { deps, text, supportsDryActivation }), and the script it is turned into, as nixpkgs builds it:
# snippets in dependency order under one ERR trap that sets the script's exit status (so a
# failing command fails the switch, but a failure inside `if` or `||` does not reach it).
# `script` and `dryActivationScript` leave out only what needs a real system (PATH set-up,
# /run/current-system).
{ config, lib, ... }:
let
  t = lib.types;

  snippet = t.either t.str (t.submodule {
    options = {
      deps = lib.mkOption { type = t.listOf t.str; default = [ ]; };
      text = lib.mkOption { type = t.lines; };
      supportsDryActivation = lib.mkOption { type = t.bool; default = false; };
    };
  });

  withHeadlines = lib.mapAttrs (name: v: v // {
    text = ''
      #### Activation script snippet ${name}:
      _localstatus=0
      ${v.text}

      if (( _localstatus > 0 )); then
        printf "Activation script snippet '%s' failed (%s)\n" "${name}" "$_localstatus"
      fi
    '';
  });

  script = set: onlyDry:
    let
      entries = lib.mapAttrs (_: v: if lib.isString v then lib.noDepEntry v // { supportsDryActivation = false; } else v) set;
      snippets = lib.mapAttrs
        (name: v:
          if onlyDry && !v.supportsDryActivation
          then v // { text = "#### Activation script snippet ${name} does not support dry activation."; }
          else v)
        (withHeadlines entries);
    in
    ''
      _status=0
      trap "_status=1 _localstatus=\$?" ERR
      umask 0022

      ${lib.textClosureMap lib.id snippets (lib.attrNames snippets)}

      exit $_status
    '';
in
{
  options.system = {
    activationScripts = lib.mkOption {
      type = t.attrsOf snippet;
      default = { };
      apply = set: set // { script = script set false; };
    };
    dryActivationScript = lib.mkOption {
      type = t.str;
      readOnly = true;
      default = script (removeAttrs config.system.activationScripts [ "script" ]) true;
    };
  };
}
