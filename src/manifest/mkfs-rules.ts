// The shape of the per-program tables of mkfs options volplan passes on (an allow-list).
// Why an allow-list: each mkfs has options that read or write other files or devices (xfs
// -l logdev=, mke2fs -d, btrfs --rootdir, ...), they differ per program and version, and GNU
// getopt accepts abbreviations of long options, so a list of forbidden options cannot be
// complete. An option not in a table is refused until someone checks it and adds it.

/** Whether an option takes a value, as its program's getopt reads it. */
export type Arity = "none" | "required" | "optional";

/** Why an option or sub-option is refused, and the edit that resolves it. */
export interface Refusal {
  /** A clause completing "<program> <option> …": "puts the log on another device or file". */
  readonly why: string;
  /** A sentence without the final period. */
  readonly fix: string;
}

/** How volplan treats one option of one program. */
export type OptionRule =
  | {
      readonly arity: Arity;
      readonly refused?: undefined;
      /** Vets the option's value; null when volplan passes it on. */
      readonly check?: (value: string) => Refusal | null;
    }
  | { readonly arity: Arity; readonly refused: Refusal };

/** The options of one mkfs program, by short letter and by long name (without dashes). */
export interface MkfsRules {
  readonly program: string;
  readonly short: Readonly<Record<string, OptionRule>>;
  readonly long: Readonly<Record<string, OptionRule>>;
}

/** `table[name]` when `table` has it as its own property (so "constructor" or "__proto__" are not found). */
export function own<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** An option volplan passes on, with an optional check of its value. */
export function allow(arity: Arity, check?: (value: string) => Refusal | null): OptionRule {
  return check === undefined ? { arity } : { arity, check };
}

/** An option volplan refuses. */
export function refuse(arity: Arity, why: string, fix: string): OptionRule {
  return { arity, refused: { why, fix } };
}

/** Why an option or sub-option that sets what the manifest declares elsewhere (format.label, ...) is refused. */
export function declaredRefusal(what: string, field: string): Refusal {
  return {
    why: `sets the ${what}, which the manifest declares as ${field}`,
    fix: `Remove it and set ${field} instead`,
  };
}

/** An option that sets what the manifest declares elsewhere, refused. */
export function declaredElsewhere(arity: Arity, what: string, field: string): OptionRule {
  return { arity, refused: declaredRefusal(what, field) };
}

/**
 * A check for a comma-separated list of sub-options ("name" or "name=value", as getsubopt and
 * mke2fs read them): every name must be in `allowed`; `refused` explains known dangerous ones.
 */
export function subOptions(input: {
  readonly option: string;
  readonly allowed: readonly string[];
  /** Refused names; each `why` reads after the name ("logdev= puts the log …"). */
  readonly refused?: Readonly<Record<string, Refusal>>;
}): (value: string) => Refusal | null {
  const allowed = new Set(input.allowed);
  return (value) => {
    for (const part of value.split(",")) {
      if (part === "") continue;
      const name = part.split("=")[0] ?? part;
      const known = input.refused === undefined ? undefined : own(input.refused, name);
      if (known !== undefined) {
        return { why: `${part.includes("=") ? `${name}=` : name} ${known.why}`, fix: known.fix };
      }
      if (!allowed.has(name)) {
        return {
          why: `has the sub-option ${JSON.stringify(name)}, which volplan does not pass on`,
          fix: `Remove ${JSON.stringify(name)}; volplan passes ${input.option} ${[...allowed].join(", ")}`,
        };
      }
    }
    return null;
  };
}
