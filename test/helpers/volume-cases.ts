// End-to-end cases on a test filesystem: each case gets a fresh directory there for its images and
// a manifest (with its state directory) kept off it, written from volumes whose paths are relative
// to that directory; and the CLI's plan exit status for a manifest.
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import path from "node:path";
import { runVolplan } from "../reliability/fixtures/run-apply.js";

/** Volumes as a manifest declares them, their `path` relative to the case's directory. */
export type CaseVolumes = Record<string, Record<string, unknown>>;

/** One case: its image directory, its manifest and state directory, a rewrite of the manifest. */
export interface VolumeCase {
  readonly dir: string;
  readonly manifest: string;
  readonly stateDir: string;
  /** Writes the manifest again with other volumes (paths relative to `dir`). */
  readonly write: (volumes: CaseVolumes) => Promise<void>;
  /** A file in the case's directory. */
  readonly at: (name: string) => string;
}

/** Makes cases: images under `where().images`, manifests and state under `where().work`. */
export function volumeCases(
  where: () => { images: string; work: string },
): (volumes: CaseVolumes) => Promise<VolumeCase> {
  let n = 0;
  return async (volumes) => {
    const { images, work } = where();
    // A name of its own: the test file may make directories of its own beside it.
    const dir = await mkdtemp(path.join(images, "case-"));
    await chmod(dir, 0o755);
    const name = `${path.basename(dir)}-${++n}`;
    const manifest = path.join(work, `manifest-${name}.json`);
    const stateDir = path.join(work, `state-${name}`);
    const write = async (next: CaseVolumes) => {
      const withPaths = Object.fromEntries(
        Object.entries(next).map(([id, v]) => [
          id,
          { ...v, path: path.join(dir, String(v["path"])) },
        ]),
      );
      await writeFile(manifest, JSON.stringify({ version: 1, stateDir, volumes: withPaths }));
    };
    await write(volumes);
    return { dir, manifest, stateDir, write, at: (name) => path.join(dir, name) };
  };
}

/** `volplan plan --detailed-exitcode` of a manifest: its exit status and everything it printed. */
export async function planExit(manifest: string): Promise<{ code: number | null; out: string }> {
  const result = await runVolplan(["plan", "--manifest", manifest, "--detailed-exitcode"]);
  return { code: result.exitCode, out: result.stdout + result.stderr };
}
