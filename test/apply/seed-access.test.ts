// A seed is copied into an image only when everyone who may read the image could read the seed,
// or when only root could have put it at its declared name.
import { chmod, chown, mkdir, mkdtemp, open, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAccessProblem } from "../../src/apply/seed-access.js";
import type { Ownership } from "../../src/plan/types.js";
import { haveRoot } from "../helpers/privilege.js";

const NOBODY = 65534;
const owned = (uid: number, gid: number, mode: string): Ownership => ({ uid, gid, mode });

describe.runIf(haveRoot())("seedAccessProblem", () => {
  let work: string;
  let n = 0;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "volplan-seed-access-"));
    await chmod(work, 0o755);
  });
  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  async function problemOf(declared: string, ownership: Ownership): Promise<string | null> {
    const handle = await open(declared, "r");
    try {
      return seedAccessProblem({ declared, fd: handle.fd, stats: await handle.stat(), ownership });
    } finally {
      await handle.close();
    }
  }

  async function seedAt(input: { dirMode: number; fileMode: number; uid?: number }) {
    const dir = path.join(work, `seed-${++n}`);
    await mkdir(dir);
    await chmod(dir, input.dirMode);
    const file = path.join(dir, "base.img");
    await writeFile(file, "seed");
    await chmod(file, input.fileMode);
    if (input.uid !== undefined) await chown(file, input.uid, input.uid);
    return file;
  }

  // A name in a directory of the image's owner, which it turned into a link to `target`.
  async function linkedByOwner(target: string): Promise<string> {
    const dir = path.join(work, `owner-${++n}`);
    await mkdir(dir, { mode: 0o755 });
    await chown(dir, NOBODY, NOBODY);
    await symlink(target, path.join(dir, "base.img"));
    return path.join(dir, "base.img");
  }

  it("refuses a root-only file reached through a link the image's owner made", async () => {
    const file = await linkedByOwner(await seedAt({ dirMode: 0o755, fileMode: 0o600 }));
    expect(await problemOf(file, owned(NOBODY, NOBODY, "0600"))).toMatch(/not readable by uid/);
  });

  it("refuses a world-readable file in a directory the image's owner cannot search", async () => {
    const file = await linkedByOwner(await seedAt({ dirMode: 0o700, fileMode: 0o644 }));
    expect(await problemOf(file, owned(NOBODY, NOBODY, "0600"))).toMatch(/cannot reach/);
  });

  it("refuses a file the owner may read when the image's mode lets everyone read it", async () => {
    const file = await seedAt({ dirMode: 0o755, fileMode: 0o600, uid: NOBODY });
    expect(await problemOf(file, owned(NOBODY, NOBODY, "0600"))).toBeNull();
    expect(await problemOf(file, owned(NOBODY, NOBODY, "0604"))).toMatch(/everyone/);
  });

  it("accepts a root-private seed named directly in directories only root controls", async () => {
    const file = await seedAt({ dirMode: 0o700, fileMode: 0o600 });
    expect(await problemOf(file, owned(NOBODY, NOBODY, "0600"))).toBeNull();
  });

  // A link of root's in a directory only root controls.
  async function linkedByRoot(target: string): Promise<string> {
    const dir = path.join(work, `root-${++n}`);
    await mkdir(dir, { mode: 0o755 });
    await symlink(target, path.join(dir, "current.img"));
    return path.join(dir, "current.img");
  }

  it("accepts a root-private seed named through root's own links in root's directories", async () => {
    const secret = await seedAt({ dirMode: 0o700, fileMode: 0o600 });
    const twice = await linkedByRoot(await linkedByRoot(secret));
    expect(await problemOf(twice, owned(NOBODY, NOBODY, "0600"))).toBeNull();
  });

  it("refuses a root-private seed when one link on the way is in a place another user controls", async () => {
    const secret = await seedAt({ dirMode: 0o700, fileMode: 0o600 });
    const chain = await linkedByRoot(await linkedByOwner(secret));
    expect(await problemOf(chain, owned(NOBODY, NOBODY, "0600"))).toMatch(/not readable by uid/);
  });

  it("accepts a world-readable seed (a store path), and any seed for root's private image", async () => {
    const store = await linkedByOwner(await seedAt({ dirMode: 0o755, fileMode: 0o444 }));
    expect(await problemOf(store, owned(NOBODY, NOBODY, "0660"))).toBeNull();
    const secret = await linkedByOwner(await seedAt({ dirMode: 0o700, fileMode: 0o600 }));
    expect(await problemOf(secret, owned(0, 0, "0600"))).toBeNull();
  });
});
