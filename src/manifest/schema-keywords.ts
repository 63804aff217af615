// Messages for single-keyword schema errors: required, type, enum, const, pattern, lengths, items.
import type { ErrorObject } from "ajv";
import { describeValue, jsonTypeOf, valueAt } from "./describe-value.js";
import { describePointer, error, pointerSegments, type Issue } from "./issue.js";
import { closestName } from "./suggest.js";

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: "a string",
  integer: "a whole number",
  number: "a number",
  object: "an object",
  array: "a list",
  boolean: "true or false",
};

// The form a pattern-checked value must have, by the key that holds it.
const FORMS: Readonly<Record<string, string>> = {
  uuid: 'a UUID such as "0c3bd7b1-4e64-4f5e-9a38-3b1ae0e6b1c4"',
  mode: 'an octal mode of three digits, optionally after a 0, such as "0660"',
};

function enumIssue(at: string, value: unknown, allowed: readonly unknown[]): Issue {
  const list = allowed.map((v) => JSON.stringify(v)).join(", ");
  const strings = allowed.filter((v): v is string => typeof v === "string");
  const guess = typeof value === "string" ? closestName(value, strings) : null;
  const message = `${describePointer(at)} is ${describeValue(value)}; it must be one of ${list}.`;
  return error(
    at,
    message,
    guess === null ? `Use one of ${list}.` : `Use ${JSON.stringify(guess)} (or one of ${list}).`,
  );
}

/** An issue for one ajv error of a single keyword. */
export function keywordIssue(input: { data: unknown; error: ErrorObject }): Issue {
  const { data, error: e } = input;
  const at = e.instancePath;
  const segments = pointerSegments(at);
  const value = valueAt(data, segments);
  const where = describePointer(at);
  const found = describeValue(value);
  const params = e.params as Record<string, unknown>;
  const key = segments[segments.length - 1] ?? "";
  switch (e.keyword) {
    case "required": {
      const missing = String(params.missingProperty);
      const child = `${at}/${missing}`;
      return error(
        child,
        `${where} has no ${missing}, which is required.`,
        `Add ${describePointer(child)}.`,
      );
    }
    case "type": {
      const want = TYPE_WORDS[String(params.type)] ?? String(params.type);
      return error(
        at,
        `${where} is ${found} (${jsonTypeOf(value)}); it must be ${want}.`,
        `Write ${where} as ${want}.`,
      );
    }
    case "enum":
      return enumIssue(at, value, params.allowedValues as unknown[]);
    case "const":
      if (at === "/version") {
        return error(
          at,
          `version is ${found}; volplan understands manifest version 1.`,
          "Set version to 1, or use a volplan release that reads this manifest version.",
        );
      }
      return error(
        at,
        `${where} is ${found}; it must be ${JSON.stringify(params.allowedValue)}.`,
        `Set it to ${JSON.stringify(params.allowedValue)}.`,
      );
    case "pattern": {
      const form = FORMS[key] ?? `text matching ${String(params.pattern)}`;
      return error(at, `${where} is ${found}; it must be ${form}.`, `Write ${where} as ${form}.`);
    }
    case "minLength":
      return error(at, `${where} is empty.`, `Give ${where} a value, or remove it.`);
    case "maxLength":
      return error(
        at,
        `${where} is longer than ${String(params.limit)} characters.`,
        `Shorten ${where} to ${String(params.limit)} characters or fewer.`,
      );
    case "minItems":
      return error(
        at,
        `${where} is an empty list.`,
        `List at least ${String(params.limit)} item, or remove ${key}.`,
      );
    case "maxItems":
      return error(
        at,
        `${where} has more than ${String(params.limit)} items.`,
        `Keep at most ${String(params.limit)} items.`,
      );
    default:
      return error(
        at,
        `${where} is ${found}; it ${e.message ?? "is not valid"}.`,
        "Correct the value as the manifest reference describes.",
      );
  }
}
