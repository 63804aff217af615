# Stand-in for microvm.nix's lib/, which the third-party folder does not hold. Its guest options
# (nixos-modules/microvm/options.nix) import it only for the names microvm.hypervisor accepts;
# this lists the hypervisors microvm.nix has runners for.
{ lib, ... }:
{
  hypervisors = [
    "qemu"
    "cloud-hypervisor"
    "firecracker"
    "crosvm"
    "kvmtool"
    "stratovirt"
    "alioth"
  ];
}
