// mke2fs arguments: volplan's lean -E list merged with a manifest's own -E lists, and the resize cap.

// Options of mke2fs that take a value (its getopt string "b:cd:e:g:i:jl:m:no:qr:s:t:vC:DE:FG:I:J:KL:M:N:O:R:ST:U:Vz:").
const TAKES_VALUE = new Set("bdegilmorstCEGIJLMNORTUz".split(""));

/** One mke2fs command-line element: an option with its value, a flag, or a positional. */
type Token =
  { readonly option: string; readonly value: string | null } | { readonly positional: string };

// getopt-style reading: "-E a,b", "-Ea,b" and grouped flags such as "-Fq" or "-qE a".
function tokenize(args: readonly string[]): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      tokens.push(...args.slice(i).map((rest) => ({ positional: rest })));
      break;
    }
    if (!arg.startsWith("-") || arg.length < 2) {
      tokens.push({ positional: arg });
      continue;
    }
    for (let j = 1; j < arg.length; j += 1) {
      const option = arg.charAt(j);
      if (!TAKES_VALUE.has(option)) {
        tokens.push({ option, value: null });
        continue;
      }
      const attached = arg.slice(j + 1);
      const value = attached !== "" ? attached : (args[(i += 1)] ?? null);
      tokens.push({ option, value });
      break;
    }
  }
  return tokens;
}

function render(token: Token): string[] {
  if ("positional" in token) return [token.positional];
  return token.value === null ? [`-${token.option}`] : [`-${token.option}`, token.value];
}

// "discard" and "nodiscard" set one thing; the rest are "key" or "key=value".
function keyOf(option: string): string {
  const key = option.split("=")[0] ?? option;
  return key === "nodiscard" ? "discard" : key;
}

/** The manifest's mke2fs arguments split into its -E options and everything else. */
export interface UserExtArgs {
  readonly extended: readonly string[];
  /** Every other argument, in order. */
  readonly rest: readonly string[];
}

/** Splits a manifest's mkfsArgs for mke2fs (mke2fs keeps only the last -E, so lists must be merged). */
export function splitUserExtArgs(args: readonly string[]): UserExtArgs {
  const extended: string[] = [];
  const rest: string[] = [];
  for (const token of tokenize(args)) {
    if ("option" in token && token.option === "E" && token.value !== null) {
      extended.push(...token.value.split(",").filter((part) => part !== ""));
      continue;
    }
    rest.push(...render(token));
  }
  return { extended, rest };
}

/** One -E value: volplan's options, each replaced in place by the manifest's option of the same key, then the manifest's new keys. */
export function mergeExtended(ours: readonly string[], theirs: readonly string[]): string {
  const merged = new Map<string, string>();
  for (const option of [...ours, ...theirs]) merged.set(keyOf(option), option);
  return [...merged.values()].join(",");
}

/** Growth factor the reserved GDT blocks of a fresh ext image allow without conversion. */
export const EXT_RESIZE_FACTOR = 128;

// Why a cap at all: by default mke2fs reserves descriptor blocks for 1,024-fold growth and writes
// them (4 MiB of a fresh 10 GiB image, most of what a lean mkfs allocates). Growth beyond the
// reserve still works: offline resize2fs moves blocks to make room (checked: 256 MiB → 100 GiB
// and 1 GiB with data → 200 GiB, e2fsck -fn clean after), and the kernel's online resize turns
// the filesystem into meta_bg once the reserve runs out (ext4_convert_meta_bg).
// Why "K": mke2fs converts a suffixed size to blocks of the block size it picked (1 KiB below
// 512 MiB in many mke2fs.conf files, 4 KiB above), so the cap needs no -b.
// No cap from 16 TiB of growth up: there mke2fs's own maximum (1,024 reserved blocks) is reached
// either way, and a larger value would only meet 32-bit block-count limits.
/** The -E resize= value capping growth to EXT_RESIZE_FACTOR × size; null when no cap applies. */
export function resizeCap(size: number): string | null {
  const kib = Math.floor((size * EXT_RESIZE_FACTOR) / 1024);
  return kib < EXT_RESIZE_FACTOR || kib > 2 ** 34 ? null : `${kib}K`;
}
