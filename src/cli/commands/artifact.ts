// `volplan artifact path|fetch|extract`: the boot artifact cache from the command line.
import { resolve } from "node:path";
import type { Command, CommandContext, CommandSpec, OptionTable } from "../command.js";
import { UsageError, UserError } from "../command.js";
import { errorText } from "../error-text.js";
import { EXIT } from "../exit-codes.js";
import { loadOrReport, type Loaded } from "../load-manifest.js";
import { parseCommandArgs } from "../parse-command-args.js";
import { DEFAULT_MANIFEST, manifestPath, parseJobs } from "../options.js";
import { didYouMean } from "../suggest-option.js";
import { waitingMessage } from "../waiting-message.js";
import { escapeControls } from "../../text/escape-controls.js";
import { shellCommand } from "../../text/shell-quote.js";
import type { DesiredArtifact, Reserve } from "../../manifest/desired.js";

const OPTIONS = {
  manifest: {
    type: "string",
    value: "FILE",
    help: `manifest (default: $VOLPLAN_MANIFEST, else ${DEFAULT_MANIFEST})`,
    complete: "file",
  },
  verify: {
    type: "boolean",
    help: "re-hash cached files and store paths instead of trusting the index",
    with: ["fetch"],
  },
  jobs: { type: "string", value: "N", help: "parallel downloads (default 2)", with: ["fetch"] },
  to: {
    type: "string",
    value: "DIR",
    help: "the directory to extract into",
    complete: "directory",
    with: ["extract"],
  },
} as const satisfies OptionTable;

const SPEC: CommandSpec<typeof OPTIONS> = {
  name: "artifact",
  summary: "print, fetch or extract cached boot artifacts",
  synopsis: [
    "artifact path NAME [--manifest FILE]",
    "artifact fetch [NAME...] [--verify] [--jobs N] [--manifest FILE]",
    "artifact extract NAME --to DIR [--manifest FILE]",
  ],
  description: [
    "Boot artifacts (such as the kexec installer tarball) live in a verified, content-addressed cache under <stateDir>/cache.",
  ],
  subcommands: [
    {
      name: "path",
      summary:
        'print the cached path (for nixos-anywhere --kexec "$(volplan artifact path kexec)"); exit 1 when the artifact is not cached and verified yet. Never downloads or hashes.',
    },
    {
      name: "fetch",
      summary:
        "download and verify the named artifacts (all when none are named); resumes partial downloads.",
    },
    {
      name: "extract",
      summary:
        "unpack a fresh private copy of a cached tarball into DIR: kexec/run changes its files, so the cached tarball is never run in place. DIR must not exist (volplan creates it) or be an empty directory of yours that no one else can write, and the directories above it must be writable only by root or you (or sticky, like /tmp).",
    },
  ],
  options: OPTIONS,
  positionals: {
    name: "NAME",
    min: 1,
    max: null,
    what: "a subcommand and artifact names",
    complete: null,
  },
  exitStatus: "0 ok, 1 error (not cached, download or verification failed).",
};

async function load(ctx: CommandContext, flag: string | undefined): Promise<Loaded | null> {
  return loadOrReport({ file: manifestPath(ctx, flag), cwd: ctx.cwd, stderr: ctx.stderr });
}

// The fetch command a hint suggests, with the --manifest this run was given.
function fetchCommand(name: string, manifest: string | undefined): string {
  const flag = manifest === undefined ? [] : ["--manifest", manifest];
  return shellCommand("volplan", "artifact", "fetch", name, ...flag);
}

function oneName(positionals: readonly string[], sub: string): string {
  const [name, ...rest] = positionals;
  if (name === undefined || rest.length > 0)
    throw new UsageError(`artifact ${sub} takes exactly one NAME`, "artifact");
  return name;
}

async function runPath(
  ctx: CommandContext,
  names: string[],
  manifest: string | undefined,
): Promise<number> {
  const name = oneName(names, "path");
  const loaded = await load(ctx, manifest);
  if (loaded === null) return EXIT.error;
  const { findCached } = await import("../../artifacts/find-cached.js");
  const found = await findCached(loaded.desired, name, fetchCommand(name, manifest));
  if (!found.ok) throw new UserError(found.message);
  ctx.stdout.write(`${found.path}\n`);
  return EXIT.ok;
}

async function runExtract(
  ctx: CommandContext,
  names: string[],
  values: { manifest?: string; to?: string },
): Promise<number> {
  const name = oneName(names, "extract");
  if (values.to === undefined) throw new UsageError("artifact extract needs --to DIR", "artifact");
  const loaded = await load(ctx, values.manifest);
  if (loaded === null) return EXIT.error;
  const { findCached } = await import("../../artifacts/find-cached.js");
  const found = await findCached(loaded.desired, name, fetchCommand(name, values.manifest));
  if (!found.ok) throw new UserError(found.message);
  const { extractTarball } = await import("../../artifacts/extract.js");
  const summary = await extractTarball({ archive: found.path, to: resolve(ctx.cwd, values.to) });
  ctx.stdout.write(
    `${name}: extracted ${summary.files} files, ${summary.directories} directories, ${summary.links} links into ${escapeControls(summary.to)}\n`,
  );
  return EXIT.ok;
}

// Progress on stderr, the reserve downloads must leave free (policy.reserve of the cache's
// filesystem), and what an interrupt says was kept.
async function fetchWatch(
  ctx: CommandContext,
  input: {
    stateDir: string;
    artifacts: readonly DesiredArtifact[];
    policyReserve: Reserve;
    values: { manifest?: string };
  },
) {
  const { progressSink } = await import("../progress.js");
  const { stderrIsTerminal } = await import("../stderr-is-terminal.js");
  const { keptPartialLines } = await import("../kept-partials.js");
  const { policyReserveAt } = await import("../../artifacts/cache-room.js");
  const progress = progressSink({ stream: ctx.stderr, terminal: stderrIsTerminal(ctx.env) });
  const note = () => {
    progress.clear();
    return keptPartialLines({
      stateDir: input.stateDir,
      artifacts: input.artifacts,
      resume: (name) => fetchCommand(name, input.values.manifest),
    });
  };
  const reserve = policyReserveAt(input.stateDir, input.policyReserve);
  return { progress, reserve, note };
}

async function runFetch(
  ctx: CommandContext,
  names: string[],
  values: { manifest?: string; verify?: boolean; jobs?: string },
): Promise<number> {
  const jobs = parseJobs(values.jobs, "artifact", 2);
  const loaded = await load(ctx, values.manifest);
  if (loaded === null) return EXIT.error;
  const { findArtifact } = await import("../../artifacts/find-cached.js");
  const chosen =
    names.length === 0
      ? loaded.desired.artifacts
      : names.map((n) => findArtifact(loaded.desired, n));
  const unknown = chosen.find((a) => typeof a === "string");
  if (typeof unknown === "string") throw new UserError(unknown);
  const artifacts = chosen.filter((a) => typeof a !== "string");
  const { fetchArtifacts } = await import("../../artifacts/fetch-artifacts.js");
  const { outcomeLine } = await import("../../artifacts/progress-text.js");
  const { stateDir, policy } = loaded.desired;
  const { whileInterruptible } = await import("../interrupt.js");
  const { progress, reserve, note } = await fetchWatch(ctx, {
    stateDir,
    artifacts,
    policyReserve: policy.reserve,
    values,
  });
  const results = await whileInterruptible(note, () =>
    fetchArtifacts({
      stateDir,
      artifacts,
      verify: values.verify === true,
      jobs,
      onProgress: progress.report,
      reserve,
      retry: (name) => fetchCommand(name, values.manifest),
      lock: { onWaiting: (holder) => ctx.stderr.write(`${waitingMessage(holder)}\n`) },
    }),
  );
  progress.clear();
  if (results.length === 0)
    ctx.stdout.write("the manifest declares no artifacts; nothing to fetch\n");
  for (const result of results) {
    if (result.ok) ctx.stdout.write(`${outcomeLine(result.outcome)}\n`);
    else ctx.stderr.write(errorText(result.error, ctx.env["VOLPLAN_DEBUG"] === "1"));
  }
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.error;
}

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPEC, ctx.args);
  const [sub, ...names] = positionals;
  switch (sub ?? "") {
    case "path":
      return runPath(ctx, names, values.manifest);
    case "fetch":
      return runFetch(ctx, names, values);
    case "extract":
      return runExtract(ctx, names, values);
    default: {
      const known = (SPEC.subcommands ?? []).map((s) => s.name);
      throw new UsageError(
        sub === undefined || sub === ""
          ? "artifact needs a subcommand: path, fetch or extract"
          : `unknown artifact subcommand '${sub}'${didYouMean(sub, known)}`,
        "artifact",
      );
    }
  }
}

/** The artifact command. */
export const artifactCommand: Command = { ...SPEC, run };
