# What the tests read of an evaluated NixOS host, as plain data: the manifest, volplan's units and
# what it adds to microvm@<name>, the assertions, the activation scripts.
{ lib }:
evaluated:
let
  c = evaluated.config;
  isOurs = name: name == "volplan" || lib.hasPrefix "volplan-" name;
  isVm = name: lib.hasPrefix "microvm@" name && name != "microvm@";
  unit = s: {
    inherit (s) description requires wants after before partOf wantedBy requiredBy
      restartIfChanged reloadIfChanged unitConfig serviceConfig;
    reloadTriggers = map toString s.reloadTriggers;
  };
in
{
  manifest = c.services.volplan.manifest;
  manifestText = c.services.volplan.manifestFile.text;
  checkPhase = c.services.volplan.manifestFile.checkPhase;
  failedAssertions = map (a: a.message) (lib.filter (a: !a.assertion) c.assertions);
  inherit (c) warnings;
  services = lib.mapAttrs (_: unit) (lib.filterAttrs (name: _: isOurs name) c.systemd.services);
  # Only what volplan adds to microvm@<name>: the rest needs the guest's runner.
  vmUnits = lib.mapAttrs (_: s: { inherit (s) requires after; }) (lib.filterAttrs (name: _: isVm name) c.systemd.services);
  activation =
    let a = c.system.activationScripts.volplan or null;
    in if a == null then null else { inherit (a) deps supportsDryActivation text; };
  activationScript = c.system.activationScripts.script;
  dryActivationScript = c.system.dryActivationScript;
  etc = lib.mapAttrs (_: e: toString e.source) (lib.filterAttrs (name: _: lib.hasPrefix "volplan/" name) c.environment.etc);
}
