// Turns a plan's actions into one line per volume or artifact: the shared model of the text and Markdown views.
import { formatBytes } from "../units/size.js";
import type { Action, FormatSpec, GrowFilesystemAction, Ownership } from "../plan/types.js";

/** Terraform-like marker: create, change, remove a temp file, refusal, unchanged. */
export type ChangeSymbol = "+" | "~" | "-" | "!" | "=";

/** One line of the change list. */
export interface ChangeLine {
  readonly symbol: ChangeSymbol;
  /** Volume id, or "artifact NAME". */
  readonly subject: string;
  readonly path: string;
  /** What changes, old → new. */
  readonly detail: string;
  /** The edit that resolves a refusal; null otherwise. */
  readonly fix: string | null;
}

type Refusal = Extract<Action, { kind: "refuse" | "artifact-refuse" }>;

function subjectOf(action: Action): string {
  return "volume" in action ? action.volume : `artifact ${action.artifact}`;
}

function describeFormat(format: FormatSpec): string {
  if (format.type === "none") return "raw";
  return format.label === null ? format.type : `${format.type} ${JSON.stringify(format.label)}`;
}

function withNote(text: string, note: string | undefined): string {
  return note === undefined || note === "" ? text : `${text}; ${note}`;
}

function describeOwnership(from: Ownership, to: Ownership): string {
  const parts: string[] = [];
  if (from.uid !== to.uid) parts.push(`owner ${from.user ?? from.uid} → ${to.user ?? to.uid}`);
  if (from.gid !== to.gid) parts.push(`group ${from.group ?? from.gid} → ${to.group ?? to.gid}`);
  if (from.mode !== to.mode) parts.push(`mode ${from.mode} → ${to.mode}`);
  return parts.length === 0 ? "ownership unchanged" : parts.join(", ");
}

function growerText(by: "host" | "guest" | "none", fs: GrowFilesystemAction | undefined): string {
  if (by === "guest") return "filesystem grown by the guest";
  if (by === "none") return "no filesystem to grow";
  if (fs === undefined) return "filesystem grown by the host";
  const via = fs.method === "loop-mount" ? " through a private loop mount" : "";
  return `${fs.fs_type} grown by the host${via}`;
}

// "new 10 GiB hole-preserving copy of BASE (1.2 GiB allocated)": the base named once, though
// the planner's note names it too ("hole-preserving copy of BASE (…)").
function seedText(action: Extract<Action, { kind: "seed" }>): string {
  if (action.image_format === "qcow2") return withNote(qcow2SeedText(action), action.note);
  const head = `new ${formatBytes(action.size)}`;
  const note = action.note ?? "";
  const match = /^(reflink|hole-preserving) copy of /.exec(note);
  if (match !== null && note.startsWith(`${match[0]}${action.from}`)) {
    const rest = note.slice(match[0].length + action.from.length).trim();
    return `${head} ${match[1]} copy of ${action.from}${rest === "" ? "" : ` ${rest}`}`;
  }
  return withNote(`${head} copy of ${action.from}`, action.note);
}

// "new 8 GiB qcow2 image with ext4 inside (not inspected later)": volplan makes the filesystem but
// never reads or grows it afterwards; format none is an empty image.
function qcow2CreateText(action: Extract<Action, { kind: "create" }>): string {
  const size = formatBytes(action.size);
  if (action.format.type === "none") return `new ${size} empty qcow2 image`;
  return `new ${size} qcow2 image with ${describeFormat(action.format)} inside (not inspected later)`;
}

function qcow2SeedText(action: Extract<Action, { kind: "seed" }>): string {
  const size = formatBytes(action.size);
  const base = `${action.from} (${action.backing_format ?? "raw"})`;
  return action.mode === "backing"
    ? `new ${size} qcow2 overlay backed by ${base}`
    : `new ${size} qcow2 copy of ${base}`;
}

function describeChange(action: Action, group: readonly Action[]): string | null {
  switch (action.kind) {
    case "create":
      return withNote(
        action.image_format === "qcow2"
          ? qcow2CreateText(action)
          : `new ${formatBytes(action.size)} ${describeFormat(action.format)} image (${action.allocation})`,
        action.note,
      );
    case "seed":
      return seedText(action);
    case "grow-image": {
      const fs = group.find((a): a is GrowFilesystemAction => a.kind === "grow-filesystem");
      const size = `${formatBytes(action.from)} → ${formatBytes(action.to)}`;
      const qcow2 = action.image_format === "qcow2" ? "qcow2 virtual size, qemu-img resize; " : "";
      return `${size} (${qcow2}${growerText(action.filesystem_grown_by, fs)})`;
    }
    case "grow-filesystem":
      if (group.some((a) => a.kind === "grow-image")) return null;
      return `${action.fs_type} filesystem ${formatBytes(action.from)} → ${formatBytes(action.to)} (image already grown; grown by the host)`;
    case "set-ownership":
      return describeOwnership(action.from, action.to);
    case "allocate":
      return `allocate ${formatBytes(action.size - action.allocated)} of holes (${action.allocation})`;
    case "repair-filesystem":
      return `e2fsck ${action.mode === "yes" ? "-f -y" : "-f -p"} (${action.cause === "interrupted" ? "a killed run was resizing it" : "its superblock records errors"})`;
    case "no-change":
      return `${formatBytes(action.size)}, as declared`;
    case "artifact-fetch": {
      const size =
        action.size === null || action.size === undefined
          ? " (size unknown)"
          : ` ${formatBytes(action.size)}`;
      const resume = action.resume_from ? `, resuming at ${formatBytes(action.resume_from)}` : "";
      const more = action.urls.length - 1;
      const mirrors = more > 0 ? ` (+${more} mirror${more === 1 ? "" : "s"})` : "";
      return `download${size} from ${action.urls[0] ?? "?"}${mirrors}${resume}`;
    }
    case "artifact-ok":
      return `cached, ${action.hash ?? "store path"}`;
    case "remove-temp":
    case "refuse":
    case "artifact-refuse":
      return null;
  }
}

function symbolOf(actions: readonly Action[]): ChangeSymbol {
  let symbol: ChangeSymbol = "=";
  for (const { kind } of actions) {
    if (kind === "create" || kind === "seed" || kind === "artifact-fetch") return "+";
    if (
      kind === "grow-image" ||
      kind === "grow-filesystem" ||
      kind === "set-ownership" ||
      kind === "allocate" ||
      kind === "repair-filesystem"
    ) {
      symbol = "~";
    }
  }
  return symbol;
}

function refusalLine(action: Refusal): ChangeLine {
  return {
    symbol: "!",
    subject: subjectOf(action),
    path: action.path,
    detail: `refused (${action.refusal}): found ${action.found}; declared ${action.declared}`,
    fix: action.fix,
  };
}

// The lines of one volume's or artifact's actions; an unchanged main line is only counted when `keepUnchanged` is false.
function groupLines(
  group: readonly Action[],
  out: { lines: ChangeLine[]; unchanged: number },
  keepUnchanged: boolean,
): void {
  // Most groups of a large plan are one unchanged volume: counted without building anything.
  if (!keepUnchanged && group.length === 1 && group[0]?.kind === "no-change") {
    out.unchanged++;
    return;
  }
  const extra: ChangeLine[] = [];
  const rest: Action[] = [];
  for (const action of group) {
    if (action.kind === "refuse" || action.kind === "artifact-refuse") {
      extra.push(refusalLine(action));
    } else if (action.kind === "remove-temp") {
      const detail = `reclaim a leftover temp file (frees ${formatBytes(action.frees)})`;
      extra.push({ symbol: "-", subject: action.volume, path: action.path, detail, fix: null });
    } else {
      rest.push(action);
    }
  }
  const first = rest[0];
  const symbol = symbolOf(rest);
  if (first !== undefined && symbol === "=") out.unchanged++;
  if (first !== undefined && (symbol !== "=" || keepUnchanged)) {
    const details = rest.map((a) => describeChange(a, rest)).filter((d): d is string => d !== null);
    const detail = details.join("; ");
    out.lines.push({ symbol, subject: subjectOf(first), path: first.path, detail, fix: null });
  }
  out.lines.push(...extra);
}

function collect(actions: readonly Action[], keepUnchanged: boolean) {
  // Groups in order of first appearance, keyed by name in one map per subject type.
  const groups: Action[][] = [];
  const byVolume = new Map<string, Action[]>();
  const byArtifact = new Map<string, Action[]>();
  for (const action of actions) {
    const isVolume = "volume" in action;
    const map = isVolume ? byVolume : byArtifact;
    const name = isVolume ? action.volume : action.artifact;
    const group = map.get(name);
    if (group !== undefined) group.push(action);
    else {
      const created = [action];
      map.set(name, created);
      groups.push(created);
    }
  }
  const out = { lines: [] as ChangeLine[], unchanged: 0 };
  for (const group of groups) groupLines(group, out, keepUnchanged);
  return out;
}

/** One line per volume or artifact (plus one per temp file and per refusal), in plan order. */
export function changeLines(actions: readonly Action[]): ChangeLine[] {
  return collect(actions, true).lines;
}

/** The lines that change something or refuse, and how many unchanged volumes and artifacts were left out (cheap for large no-op plans). */
export function changedLinesOnly(actions: readonly Action[]): {
  readonly lines: ChangeLine[];
  readonly unchanged: number;
} {
  return collect(actions, false);
}
