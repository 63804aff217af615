// `volplan gc`: removes cache entries and partial downloads the manifest no longer references.
import type { Command, CommandContext } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { loadOrReport } from "../load-manifest.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { manifestPath } from "../options.js";

const usage = `Usage: volplan gc [--dry-run] [--manifest FILE]

Removes artifact cache entries and partial downloads that no artifact of the manifest references,
printing each with the space it frees. Never touches anything outside <stateDir>/cache (store
paths and volumes are left alone).

Options:
  --dry-run        list what would be removed, remove nothing
  --manifest FILE  manifest (default: $VOLPLAN_MANIFEST, else /etc/volplan/manifest.json)
  -h, --help       show this help

Exit status: 0 ok, 1 error.`;

async function run(ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs({
    command: "gc",
    args: ctx.args,
    options: { "dry-run": { type: "boolean" }, manifest: { type: "string" } },
    positionals: false,
  });
  const loaded = await loadOrReport({
    file: manifestPath(ctx, values.manifest),
    cwd: ctx.cwd,
    stderr: ctx.stderr,
  });
  if (loaded === null) return EXIT.error;
  const dryRun = values["dry-run"] === true;
  const { collectGarbage } = await import("../../artifacts/gc.js");
  const { formatBytes } = await import("../../units/size.js");
  const items = await collectGarbage({ desired: loaded.desired, dryRun });
  const verb = dryRun ? "would remove" : "removed";
  for (const item of items)
    ctx.stdout.write(`${verb} ${item.path} (${formatBytes(item.bytes)}): ${item.why}\n`);
  const total = items.reduce((sum, item) => sum + item.bytes, 0);
  ctx.stdout.write(
    items.length === 0
      ? "nothing to remove\n"
      : `${verb} ${items.length} item(s), ${formatBytes(total)}\n`,
  );
  return EXIT.ok;
}

/** The gc command. */
export const gcCommand: Command = {
  name: "gc",
  summary: "remove unreferenced artifact cache entries",
  usage,
  run,
};
