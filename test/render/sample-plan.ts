// A hand-built plan that exercises every part of the views: each action kind, refusals, an infeasible filesystem, warnings.
import type { Plan } from "../../src/plan/types.js";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const ROOT = { uid: 0, gid: 0, mode: "0600" };
const VM = { uid: 1000, gid: 36, mode: "0660" };
const VAR = "259:1";
const SRV = "0:52";

/** The plan the golden files are rendered from. */
export function samplePlan(): Plan {
  return {
    format_version: 1,
    feasible: false,
    summary: { create: 2, grow: 2, change: 2, unchanged: 2, refused: 3, fetch: 1 },
    actions: [
      {
        kind: "artifact-fetch",
        artifact: "kexec",
        path: "/var/lib/volplan/cache/sha256/ab12/nixos-kexec-installer.tar.gz",
        reason: "not in the cache",
        consumes: { filesystem: VAR, bytes: 350 * MiB },
        urls: ["https://example.org/kexec.tar.gz", "https://mirror.example.org/kexec.tar.gz"],
        hash: "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        size: 350 * MiB,
      },
      {
        kind: "artifact-ok",
        artifact: "netboot",
        path: "/nix/store/aaaa-netboot",
        reason: "store path exists",
        consumes: { filesystem: VAR, bytes: 0 },
        hash: null,
      },
      {
        kind: "refuse",
        volume: "cache/scratch",
        path: "/srv/vm/cache/scratch.img",
        reason:
          "volume cache/scratch: /srv/vm/cache/scratch.img holds xfs but the manifest declares ext4; volplan never reformats.",
        consumes: { filesystem: SRV, bytes: 0 },
        refusal: "type-differs",
        found: "xfs",
        declared: "ext4",
        fix: 'Set format.type = "xfs", or move the image away to have volplan create a new ext4 one.',
      },
      {
        kind: "create",
        volume: "db/data",
        path: "/srv/vm/db/data.img",
        reason: "no image at the path",
        consumes: { filesystem: SRV, bytes: 12 * MiB },
        size: 40 * GiB,
        allocation: "sparse",
        format: { type: "ext4", label: "data", uuid: null, mkfs_args: [] },
        ownership: VM,
      },
      {
        kind: "refuse",
        volume: "db/log",
        path: "/var/lib/microvms/db/log.img",
        reason:
          "volume db/log: /var/lib/microvms/db/log.img is 8 GiB but the manifest declares 4 GiB; volplan never shrinks.",
        consumes: { filesystem: VAR, bytes: 0 },
        refusal: "shrink",
        found: "8 GiB",
        declared: "4 GiB",
        fix: 'Set size = "8GiB", or remove the image yourself to recreate it (its data is lost).',
      },
      {
        kind: "no-change",
        volume: "db/swap",
        path: "/var/lib/microvms/db/swap.img",
        reason: "size, swap signature and ownership as declared",
        consumes: { filesystem: VAR, bytes: 0 },
        size: 2 * GiB,
      },
      {
        kind: "set-ownership",
        volume: "mail/root",
        path: "/var/lib/microvms/mail/root.img",
        reason: "owner and mode differ",
        consumes: { filesystem: VAR, bytes: 0 },
        from: ROOT,
        to: VM,
      },
      {
        kind: "grow-filesystem",
        volume: "mail/store",
        path: "/var/lib/microvms/mail/store.img",
        reason: "the image was grown but its filesystem was not",
        consumes: { filesystem: VAR, bytes: 0 },
        fs_type: "ext4",
        from: 4 * GiB,
        to: 6 * GiB,
        method: "resize2fs",
      },
      {
        kind: "seed",
        volume: "web/nix",
        path: "/srv/vm/web/nix.img",
        reason: "no image at the path",
        consumes: { filesystem: SRV, bytes: 1.5 * GiB },
        size: 10 * GiB,
        from: "/nix/store/bbbb-base.img",
        ownership: VM,
        note: "hole-preserving copy of /nix/store/bbbb-base.img (1.5 GiB allocated)",
      },
      {
        kind: "remove-temp",
        volume: "web/root",
        path: "/var/lib/microvms/web/.root.img.volplan-tmp-4242-0badf00d",
        reason: "left by an interrupted run (pid 4242 is gone)",
        consumes: { filesystem: VAR, bytes: 0 },
        frees: 300 * MiB,
      },
      {
        kind: "grow-image",
        volume: "web/root",
        path: "/var/lib/microvms/web/root.img",
        reason: "declared 20 GiB, image is 8 GiB",
        consumes: { filesystem: VAR, bytes: 0 },
        from: 8 * GiB,
        to: 20 * GiB,
        allocation: "sparse",
        filesystem_grown_by: "host",
      },
      {
        kind: "grow-filesystem",
        volume: "web/root",
        path: "/var/lib/microvms/web/root.img",
        reason: "grow ext4 to fill the image",
        consumes: { filesystem: VAR, bytes: 1 * MiB },
        fs_type: "ext4",
        from: 8 * GiB,
        to: 20 * GiB,
        method: "resize2fs",
      },
      {
        kind: "refuse",
        volume: "web/state",
        path: "/var/lib/microvms/web/state.img",
        reason:
          "volume web/state: /var/lib/microvms/web/state.img is a symlink; volplan never follows one.",
        consumes: { filesystem: VAR, bytes: 0 },
        refusal: "symlink",
        found: "a symlink to /etc/shadow",
        declared: "an image file",
        fix: "Remove the symlink /var/lib/microvms/web/state.img, or point path at the real image.",
      },
    ],
    filesystems: [
      {
        id: SRV,
        mount_point: "/srv/vm",
        fs_type: "tmpfs",
        total: 1 * GiB,
        free: 1 * GiB,
        reserve: 51 * MiB,
        needed: 1548 * MiB,
        remaining: (1024 - 51 - 1548) * MiB,
        feasible: false,
        sparse_declared: 48.5 * GiB,
        overcommit: "warn",
        consumers: [
          { subject: "web/nix", kind: "seed", bytes: 1.5 * GiB },
          { subject: "db/data", kind: "create", bytes: 12 * MiB },
        ],
      },
      {
        id: VAR,
        mount_point: "/var/lib",
        fs_type: "ext4",
        total: 500 * GiB,
        free: 200 * GiB,
        reserve: 25 * GiB,
        needed: 351 * MiB,
        remaining: 200 * GiB - 25 * GiB - 351 * MiB,
        feasible: true,
        sparse_declared: 12 * GiB,
        overcommit: "none",
        consumers: [
          { subject: "kexec", kind: "artifact-fetch", bytes: 350 * MiB },
          { subject: "web/root", kind: "grow-filesystem", bytes: 1 * MiB },
        ],
      },
    ],
    warnings: [
      {
        code: "overcommit",
        subject: SRV,
        message:
          "sparse volumes on /srv/vm declare 48.5 GiB more than they hold, beyond the 1 GiB free; guests may run out of space. Free space or lower the sizes.",
      },
      {
        code: "no-reflink",
        subject: "web/nix",
        message: "/srv/vm (tmpfs) cannot reflink; web/nix is seeded with a sparse copy instead.",
      },
      {
        code: "filesystem-smaller-than-image",
        subject: "db/data",
        message:
          'volume db/data: the xfs filesystem in /srv/vm/db/data.img spans 8 GiB of the image\'s 12 GiB. Make sure the guest grows it at boot (for example x-systemd.growfs), or set growFilesystem = "host" for volplan to grow it.',
      },
      {
        code: "filesystem-smaller-than-image",
        subject: "web/root",
        message:
          'volume web/root: the ext4 filesystem in /var/lib/microvms/web/root.img spans 4 GiB of the image\'s 6 GiB. Make sure the guest grows it at boot (for example x-systemd.growfs), or set growFilesystem = "host" for volplan to grow it.',
      },
    ],
  };
}

/** A plan with nothing to do: every volume already as declared. */
export function noOpPlan(): Plan {
  return {
    format_version: 1,
    feasible: true,
    summary: { create: 0, grow: 0, change: 0, unchanged: 2, refused: 0, fetch: 0 },
    actions: [
      {
        kind: "no-change",
        volume: "a",
        path: "/v/a.img",
        reason: "as declared",
        consumes: { filesystem: "8:1", bytes: 0 },
        size: 1024 ** 3,
      },
      {
        kind: "no-change",
        volume: "b",
        path: "/v/b.img",
        reason: "as declared",
        consumes: { filesystem: "8:1", bytes: 0 },
        size: 2 * 1024 ** 3,
      },
    ],
    filesystems: [],
    warnings: [],
  };
}
