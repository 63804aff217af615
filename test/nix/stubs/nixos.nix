# Declarations of the NixOS options that nix/module.nix, microvm.nix's host module and the tests
# set, for lib.evalModules without nixpkgs. systemd units and activation scripts have nixpkgs'
# types (./systemd-units.nix, ./activation.nix); the rest are plain containers, since nothing
# here reads them. Activation snippets nixpkgs always has (specialfs, users, groups) are present,
# with `users` empty under systemd.sysusers or userborn, as in nixpkgs.
{ config, lib, ... }:
let
  t = lib.types;
  anyAttrs = lib.mkOption { type = t.attrsOf t.anything; default = { }; };
  anyList = lib.mkOption { type = t.listOf t.anything; default = [ ]; };
  flag = lib.mkOption { type = t.bool; default = false; };
  usersFromUnits = config.systemd.sysusers.enable || config.services.userborn.enable;
in
{
  imports = [ ./systemd-units.nix ./activation.nix ];

  options = {
    assertions = lib.mkOption { type = t.listOf t.unspecified; default = [ ]; };
    warnings = lib.mkOption { type = t.listOf t.str; default = [ ]; };
    networking.hostName = lib.mkOption { type = t.str; default = "host"; };
    boot.kernelModules = lib.mkOption { type = t.listOf t.str; default = [ ]; };
    environment.systemPackages = lib.mkOption { type = t.listOf t.package; default = [ ]; };
    environment.etc = lib.mkOption {
      type = t.attrsOf (t.submodule {
        options.source = lib.mkOption { type = t.nullOr t.unspecified; default = null; };
        options.text = lib.mkOption { type = t.nullOr t.lines; default = null; };
      });
      default = { };
    };
    users.users = anyAttrs;
    users.groups = anyAttrs;
    systemd.tmpfiles.rules = lib.mkOption { type = t.listOf t.str; default = [ ]; };
    systemd.tmpfiles.settings = anyAttrs;
    systemd.sysusers.enable = flag;
    services.userborn.enable = flag;
    security.pam.loginLimits = anyList;
    security.wrappers = anyAttrs;
    hardware.ksm.enable = flag;
    virtualisation.libvirtd.enable = flag;
    # Set by VM tests (the test framework's qemu-vm module).
    virtualisation.diskSize = lib.mkOption { type = t.nullOr t.ints.positive; default = null; };
    specialisation = lib.mkOption {
      type = t.attrsOf (t.submodule {
        options.configuration = lib.mkOption { type = t.deferredModule; default = { }; };
      });
      default = { };
    };
  };

  config = {
    system.activationScripts = {
      specialfs = ": mount /proc, /sys, /dev, /run";
      users = if usersFromUnits then "" else { supportsDryActivation = true; text = ": create users and groups"; };
      groups = lib.stringAfter [ "users" ] "";
    };
  };
}
