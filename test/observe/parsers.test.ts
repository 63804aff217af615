import { describe, expect, it } from "vitest";
import { pick } from "../../src/observe/accounts.js";
import { deviceId } from "../../src/host/device-id.js";
import { mountFor, parseMountinfo, unescapeOctal } from "../../src/host/mountinfo.js";
import { parseLockLine, parseProcLocks } from "../../src/host/proc-locks.js";

// Captured from real hosts (one with btrfs subvolumes and a bind mount, one with an escaped path).
const MOUNTINFO = `22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 253:1 / / rw,relatime shared:1 - ext4 /dev/mapper/root rw,errors=remount-ro
31 27 0:33 /@home /home rw,relatime shared:15 - btrfs /dev/nvme0n1p3 rw,ssd,space_cache=v2,subvolid=257,subvol=/@home
32 27 0:33 /@vm /var/lib/microvms rw,relatime shared:16 - btrfs /dev/nvme0n1p3 rw,ssd,subvolid=258,subvol=/@vm
40 27 259:2 / /srv/vm\\040images rw,noatime master:3 - xfs /dev/nvme1n1p1 rw,attr2,inode64
41 27 259:2 /sub /mnt/bind rw,noatime - xfs /dev/nvme1n1p1 rw
bad line
`;

describe("parseMountinfo", () => {
  const mounts = parseMountinfo(MOUNTINFO);

  it("reads device, mount point (unescaped), type and source of every valid line", () => {
    expect(mounts).toHaveLength(6);
    expect(mounts[1]).toEqual({
      device: "253:1",
      mountPoint: "/",
      type: "ext4",
      source: "/dev/mapper/root",
    });
    expect(mounts[4]).toEqual({
      device: "259:2",
      mountPoint: "/srv/vm images",
      type: "xfs",
      source: "/dev/nvme1n1p1",
    });
  });

  it("handles optional fields of any count before the separator", () => {
    expect(parseMountinfo("1 0 8:1 / /a rw - ext4 /dev/sda1 rw")[0]?.type).toBe("ext4");
    expect(parseMountinfo("1 0 8:1 / /a rw shared:1 master:2 - ext4 /dev/sda1 rw")[0]?.type).toBe(
      "ext4",
    );
  });

  it.each([
    ["\\040", " "],
    ["a\\011b", "a\tb"],
    ["a\\012b", "a\nb"],
    ["a\\134b", "a\\b"],
    ["plain", "plain"],
  ])("unescapes %s", (raw, text) => {
    expect(unescapeOctal(raw)).toBe(text);
  });

  it.each([
    {
      name: "exact device, deepest mount point",
      id: "259:2",
      path: "/mnt/bind/x.img",
      want: "/mnt/bind",
    },
    {
      name: "exact device, escaped mount point",
      id: "259:2",
      path: "/srv/vm images/a.img",
      want: "/srv/vm images",
    },
    {
      name: "btrfs subvolume anonymous device",
      id: "0:51",
      path: "/var/lib/microvms/w/root.img",
      want: "/var/lib/microvms",
    },
    { name: "root filesystem", id: "253:1", path: "/var/lib/x.img", want: "/" },
    { name: "prefix must end at a slash", id: "0:99", path: "/homeless/x.img", want: "/" },
  ])("mountFor: $name", ({ id, path, want }) => {
    expect(mountFor(mounts, id, path)?.mountPoint).toBe(want);
  });
});

// Captured /proc/locks lines: POSIX, FLOCK, OFD with pid -1 (older kernels) and with a pid,
// a blocked waiter, and a lease that must be ignored.
const LOCKS = `1: POSIX  ADVISORY  WRITE 1234 fd:01:1835012 0 EOF
2: FLOCK  ADVISORY  WRITE 2345 00:2e:98765 0 EOF
3: OFDLCK ADVISORY  READ  -1 103:02:12 0 EOF
4: OFDLCK ADVISORY  WRITE 4567 08:01:77 0 EOF
4: -> OFDLCK ADVISORY  WRITE 4568 08:01:77 0 EOF
5: LEASE  ACTIVE    READ  5678 08:01:99 0 EOF
`;

describe("parseProcLocks", () => {
  it("reads kind, pid and the hex device as decimal major:minor", () => {
    expect(parseProcLocks(LOCKS)).toEqual([
      { how: "posix-lock", pid: 1234, device: "253:1", ino: 1835012 },
      { how: "flock", pid: 2345, device: "0:46", ino: 98765 },
      { how: "ofd-lock", pid: null, device: "259:2", ino: 12 },
      { how: "ofd-lock", pid: 4567, device: "8:1", ino: 77 },
      { how: "ofd-lock", pid: 4568, device: "8:1", ino: 77 },
    ]);
  });

  it("reads the lock line of an fdinfo file", () => {
    expect(parseLockLine("\t1: OFDLCK ADVISORY  WRITE 99 00:2a:5 0 EOF")).toEqual({
      how: "ofd-lock",
      pid: 99,
      device: "0:42",
      ino: 5,
    });
  });

  it.each([
    "",
    "garbage",
    "1: POSIX ADVISORY WRITE x 08:01:1 0 EOF",
    "1: POSIX ADVISORY WRITE 1 zz:01:1 0 EOF",
  ])("ignores %j", (line) => {
    expect(parseLockLine(line)).toBeNull();
  });
});

describe("deviceId", () => {
  it.each([
    [0x0801, "8:1"],
    [0xfd01, "253:1"],
    [0x10302, "259:2"],
    [0x2e, "0:46"],
    // minor 256 and beyond spills into bits 20..31
    [(1 << 8) | 0x00 | (0x1 << 20), "1:256"],
    [2n ** 32n * 0x1000n + 0x100n, "4097:0"],
  ])("splits %s into %s", (dev, id) => {
    expect(deviceId(dev)).toBe(id);
  });
});

describe("pick (passwd/group)", () => {
  const passwd =
    "root:x:0:0:root:/root:/bin/sh\nmicrovm:x:999:999::/var/lib/microvms:/bin/false\n#c\nbad:x:notanumber:1::/:/bin/sh\nmicrovm:x:5:5::/:/bin/sh\n";
  it("maps only the wanted names, first entry wins, malformed ids are skipped", () => {
    expect(pick(passwd, new Set(["microvm", "bad", "nobody"]))).toEqual({ microvm: 999 });
    expect(pick(null, new Set(["root"]))).toEqual({});
  });
});
