// microvm.nix qcow2 guests, end to end: the manifest the module builds from a cloud-hypervisor
// guest (microvm.nix's real options) is applied by the CLI users run, with the guests' image
// directories moved into a temporary directory. The images are qcow2 of the declared virtual
// size with the declared filesystem inside, and the next plan is empty.
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { volplan } from "../cli/volplan.js";
import { qemuCheck, qemuInfo } from "../helpers/qemu-img.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { hostEvaluator } from "./eval-host.js";
import { thirdPartyAvailable } from "./nix-tool.js";

const MiB = 1024 * 1024;

const evaluate = hostEvaluator({
  qcow2Guest: {
    module: `{
      services.volplan = { enable = true; microvm.enable = true; };
      microvm.vms.ch.config.microvm = {
        hypervisor = "cloud-hypervisor";
        volumes = [
          { image = "root.img"; size = 64; label = "root"; mountPoint = "/"; }
          { image = "data.qcow2"; size = 256; imageType = "qcow2"; label = "data"; mountPoint = "/data"; }
          { image = "/srv/ch/logs.qcow2"; size = 320; imageType = "qcow2"; fsType = "xfs"; mountPoint = "/var/log"; }
        ];
      };
    }`,
  },
});

/** The module's manifest with every image under `dir` and no owner the test host lacks. */
function relocated(manifestText: string, dir: string): string {
  const manifest = JSON.parse(manifestText) as {
    stateDir?: string;
    volumes: Record<string, Record<string, unknown>>;
  };
  manifest.stateDir = path.join(dir, "state");
  for (const volume of Object.values(manifest.volumes)) {
    volume["path"] = path.join(dir, String(volume["path"]));
    delete volume["owner"];
    delete volume["group"];
  }
  return JSON.stringify(manifest);
}

async function blkidOfRaw(qcow2: string, raw: string): Promise<string> {
  await execa("qemu-img", ["convert", "-f", "qcow2", "-O", "raw", qcow2, raw]);
  return (await execa("blkid", ["-p", "-o", "export", raw], { reject: false })).stdout;
}

describe.skipIf(!thirdPartyAvailable)("microvm.nix qcow2 guests applied", () => {
  const scratch = useTempDir("volplan-microvm-qcow2-");

  it("creates the guest's qcow2 images lean, of the declared size and filesystem; the next plan is empty", async () => {
    const host = (await evaluate())["qcow2Guest"];
    expect(host?.failedAssertions).toEqual([]);
    const manifest = path.join(scratch.dir, "manifest.json");
    await writeFile(manifest, relocated(host?.manifestText ?? "", scratch.dir));

    // The guests' directories exist, as microvm.nix's tmpfiles rules make them.
    await mkdir(path.join(scratch.dir, "var/lib/microvms/ch"), { recursive: true });
    await mkdir(path.join(scratch.dir, "srv/ch"), { recursive: true });
    const applied = await volplan(["apply", "--manifest", manifest, "--only", "volume:ch/"]);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);

    const data = path.join(scratch.dir, "var/lib/microvms/ch/data.qcow2");
    const logs = path.join(scratch.dir, "srv/ch/logs.qcow2");
    const root = path.join(scratch.dir, "var/lib/microvms/ch/root.img");
    for (const [file, size] of [
      [data, 256 * MiB],
      [logs, 320 * MiB],
    ] as const) {
      const info = await qemuInfo(file);
      expect(info.format).toBe("qcow2");
      expect(info["virtual-size"]).toBe(size);
      expect(info["backing-filename"]).toBeUndefined();
      expect((await qemuCheck(file)).exitCode).toBe(0);
      // Lean: the filesystem's metadata, not its size.
      expect((await stat(file)).blocks * 512).toBeLessThan(16 * MiB);
    }
    const dataFs = await blkidOfRaw(data, path.join(scratch.dir, "data.raw"));
    expect(dataFs).toContain("TYPE=ext4");
    expect(dataFs).toContain("LABEL=data");
    expect(await blkidOfRaw(logs, path.join(scratch.dir, "logs.raw"))).toContain("TYPE=xfs");
    // The raw guest volume beside them stays a raw image.
    const rootFs = (await execa("blkid", ["-p", "-o", "export", root])).stdout;
    expect(rootFs).toContain("TYPE=ext4");
    expect(rootFs).toContain("LABEL=root");

    const plan = await volplan(["plan", "--manifest", manifest, "--detailed-exitcode"]);
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
  });
});
