# A kexec installer tarball for nixos-anywhere, downloaded once, verified and kept in volplan's
# cache. Replace hash with the tarball's real sha256 (volplan prints it on a mismatch).
{ stateDir ? "/var/lib/volplan" }:
(import ../../nix/manifest.nix).mkManifest {
  inherit stateDir;
  artifacts = {
    kexec = {
      urls = [
        "https://github.com/nix-community/nixos-images/releases/download/nixos-25.05/nixos-kexec-installer-noninteractive-x86_64-linux.tar.gz"
      ];
      hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
      # nixos-anywhere picks its decompressor from the suffix, so keep ".tar.gz".
      fileName = "nixos-kexec-installer-noninteractive-x86_64-linux.tar.gz";
    };
  };
}
