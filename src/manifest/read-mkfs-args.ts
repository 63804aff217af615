// A manifest's mkfsArgs read the way each mkfs's getopt reads them (short clusters, attached
// values, --long=value), each option looked up in that mkfs's allow-list.
import type { FsType } from "./desired.js";
import { BTRFS_RULES } from "./mkfs-rules-btrfs.js";
import { EXT_RULES } from "./mkfs-rules-ext.js";
import { SWAP_RULES, VFAT_RULES } from "./mkfs-rules-vfat-swap.js";
import { XFS_RULES } from "./mkfs-rules-xfs.js";
import { own, type MkfsRules, type OptionRule, type Refusal } from "./mkfs-rules.js";

const RULES: Readonly<Record<Exclude<FsType, "none">, MkfsRules>> = {
  ext2: EXT_RULES,
  ext3: EXT_RULES,
  ext4: EXT_RULES,
  xfs: XFS_RULES,
  btrfs: BTRFS_RULES,
  vfat: VFAT_RULES,
  swap: SWAP_RULES,
};

/** One refused argument: its index in mkfsArgs, the option it belongs to ("-l", "--rootdir", "" for none), and why. */
export interface MkfsArgProblem {
  readonly index: number;
  readonly option: string;
  readonly refusal: Refusal;
}

// What reading one argument found: how many arguments it used, problems, and whether reading can go on.
interface Step {
  readonly used: number;
  readonly problems: MkfsArgProblem[];
  readonly stop: boolean;
}

function allowedList(rules: MkfsRules): string {
  const short = Object.entries(rules.short).filter(([, r]) => r.refused === undefined);
  const long = Object.entries(rules.long).filter(([, r]) => r.refused === undefined);
  return [...short.map(([n]) => `-${n}`), ...long.map(([n]) => `--${n}`)].join(" ");
}

function unknown(rules: MkfsRules, index: number, option: string): Step {
  const name = option.replace(/^--/, "");
  const full = option.startsWith("--")
    ? Object.keys(rules.long).filter((n) => n.startsWith(name) && n !== name)
    : [];
  const refusal: Refusal =
    full.length > 0
      ? {
          why: `is an abbreviation (getopt would expand it to ${full.map((n) => `--${n}`).join(" or ")}); volplan checks options by their full names`,
          fix: `Write the option's full name`,
        }
      : {
          why: `is not an option volplan passes to ${rules.program}`,
          fix: `Remove it. volplan passes only options that shape the filesystem inside the image: ${allowedList(rules)}`,
        };
  return { used: 1, problems: [{ index, option, refusal }], stop: true };
}

// The verdict on one option with its value (null when it has none).
function judge(input: {
  rule: OptionRule;
  option: string;
  value: string | null;
  index: number;
  valueIndex: number;
}): MkfsArgProblem[] {
  const { rule, option, value, index, valueIndex } = input;
  if (rule.refused !== undefined) return [{ index, option, refusal: rule.refused }];
  const refusal = value === null || rule.check === undefined ? null : rule.check(value);
  return refusal === null ? [] : [{ index: valueIndex, option, refusal }];
}

const MISSING: Refusal = {
  why: "needs a value, and no argument follows it",
  fix: "Give its value in the next argument, or remove it",
};

function readLong(rules: MkfsRules, args: readonly string[], index: number): Step {
  const text = (args[index] ?? "").slice(2);
  const eq = text.indexOf("=");
  const name = eq < 0 ? text : text.slice(0, eq);
  const inline = eq < 0 ? null : text.slice(eq + 1);
  const option = `--${name}`;
  const rule = own(rules.long, name);
  if (rule === undefined) return unknown(rules, index, option);
  if (rule.arity === "none" && inline !== null) {
    const refusal = { why: "takes no value", fix: `Write ${option} without "=…"` };
    return { used: 1, problems: [{ index, option, refusal }], stop: false };
  }
  if (rule.arity === "required" && inline === null) {
    const value = args[index + 1];
    if (value === undefined)
      return { used: 1, problems: [{ index, option, refusal: MISSING }], stop: true };
    const problems = judge({ rule, option, value, index, valueIndex: index + 1 });
    return { used: 2, problems, stop: false };
  }
  return {
    used: 1,
    problems: judge({ rule, option, value: inline, index, valueIndex: index }),
    stop: false,
  };
}

// A cluster of short options ("-Fq", "-qE a,b", "-Ea,b"), as getopt reads it.
function readShort(rules: MkfsRules, args: readonly string[], index: number): Step {
  const arg = args[index] ?? "";
  const problems: MkfsArgProblem[] = [];
  for (let j = 1; j < arg.length; j++) {
    const option = `-${arg.charAt(j)}`;
    const rule = own(rules.short, arg.charAt(j));
    if (rule === undefined) {
      const step = unknown(rules, index, option);
      return { ...step, problems: [...problems, ...step.problems] };
    }
    if (rule.arity === "none") {
      problems.push(...judge({ rule, option, value: null, index, valueIndex: index }));
      continue;
    }
    const attached = arg.slice(j + 1);
    if (attached !== "" || rule.arity === "optional") {
      const value = attached === "" ? null : attached;
      problems.push(...judge({ rule, option, value, index, valueIndex: index }));
      return { used: 1, problems, stop: false };
    }
    const value = args[index + 1];
    if (value === undefined)
      return { used: 1, problems: [...problems, { index, option, refusal: MISSING }], stop: true };
    problems.push(...judge({ rule, option, value, index, valueIndex: index + 1 }));
    return { used: 2, problems, stop: false };
  }
  return { used: 1, problems, stop: false };
}

const POSITIONAL: Refusal = {
  why: "would take this argument as the device to format (or its size): it is neither an option nor an option's value, and volplan passes the image itself",
  fix: "Remove it, or put it right after the option it is the value of",
};

const END_OF_OPTIONS: Refusal = {
  why: 'would take every argument after "--" as a device to format',
  fix: 'Remove "--"',
};

/**
 * The refused arguments of `args` for the mkfs of `type`, in order. Reading stops at an option
 * the table does not know, since how many arguments it takes is unknown.
 */
export function mkfsArgProblems(type: FsType, args: readonly string[]): MkfsArgProblem[] {
  if (type === "none" || args.length === 0) return [];
  const rules = RULES[type];
  const problems: MkfsArgProblem[] = [];
  for (let index = 0; index < args.length;) {
    const arg = args[index] ?? "";
    if (arg === "--") return [...problems, { index, option: "--", refusal: END_OF_OPTIONS }];
    let step: Step;
    if (arg.startsWith("--")) step = readLong(rules, args, index);
    else if (arg.startsWith("-") && arg.length > 1) step = readShort(rules, args, index);
    else step = { used: 1, problems: [{ index, option: "", refusal: POSITIONAL }], stop: false };
    problems.push(...step.problems);
    if (step.stop) return problems;
    index += step.used;
  }
  return problems;
}

/** The program that reads a type's mkfsArgs ("mke2fs", "mkfs.xfs", ...). */
export function mkfsProgram(type: Exclude<FsType, "none">): string {
  return RULES[type].program;
}
