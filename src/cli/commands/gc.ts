// `volplan gc`: removes cache entries and partial downloads the manifest no longer references.
import type { Command, CommandContext, CommandSpec, OptionTable } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { loadOrReport } from "../load-manifest.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { DEFAULT_MANIFEST, manifestFromArgs } from "../options.js";

const OPTIONS = {
  "dry-run": { type: "boolean", help: "list what would be removed, remove nothing" },
  manifest: {
    type: "string",
    value: "FILE",
    help: `manifest, the same as FILE (default: $VOLPLAN_MANIFEST, else ${DEFAULT_MANIFEST})`,
    complete: "file",
  },
} as const satisfies OptionTable;

const SPEC: CommandSpec<typeof OPTIONS> = {
  name: "gc",
  summary: "remove unreferenced artifact cache entries",
  synopsis: ["gc [FILE | --manifest FILE] [--dry-run]"],
  description: [
    "Removes artifact cache entries and partial downloads that no artifact of the manifest references, printing each with the space it frees. Never touches anything outside <stateDir>/cache (store paths and volumes are left alone).",
  ],
  options: OPTIONS,
  positionals: {
    name: "FILE",
    min: 0,
    max: 1,
    what: "at most one manifest FILE",
    complete: "file",
  },
  exitStatus: "0 ok, 1 error.",
};

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPEC, ctx.args);
  const file = manifestFromArgs(ctx, { flag: values.manifest, positional: positionals[0] }, "gc");
  const loaded = await loadOrReport({ file, cwd: ctx.cwd, stderr: ctx.stderr });
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
export const gcCommand: Command = { ...SPEC, run };
