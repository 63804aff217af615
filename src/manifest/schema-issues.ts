// Turns ajv's errors from the generated validator into issues a person can act on.
import type { ErrorObject } from "ajv";
import { describeValue, valueAt } from "./describe-value.js";
import { error, describePointer, pointerSegments, type Issue } from "./issue.js";
import { allowedKeys } from "./schema-shape.js";
import { closestName } from "./suggest.js";
import { keywordIssue } from "./schema-keywords.js";

const ID_RULE =
  'Ids are letters, digits and "_" followed by letters, digits and "_.@+-"; volume ids may have segments separated by "/"; at most 200 characters (artifact names 100, without "/").';

// What a value may be where the schema offers alternatives (anyOf), by the key that holds it.
const ALTERNATIVES: Readonly<Record<string, { must: string; fix: string }>> = {
  size: {
    must: 'must be a positive whole number of bytes or a string such as "20GiB"',
    fix: 'Write whole bytes (21474836480) or a size with a unit such as "20GiB" or "512MiB".',
  },
  reserve: {
    must: 'must be a percentage such as "5%", whole bytes, or a size such as "2GiB"',
    fix: 'Write a percentage of the filesystem ("5%") or a size ("2GiB").',
  },
  owner: {
    must: 'must be a user name (lower case, such as "microvm") or a numeric uid from 0 to 4294967294',
    fix: 'Use a user name such as "microvm" or a uid such as 1000.',
  },
  group: {
    must: 'must be a group name (lower case, such as "kvm") or a numeric gid from 0 to 4294967294',
    fix: 'Use a group name such as "kvm" or a gid such as 100.',
  },
};

function unknownKey(at: string, key: string): Issue {
  const segments = pointerSegments(at);
  const allowed = allowedKeys(segments);
  const guess = closestName(key, allowed);
  const where = describePointer(at);
  const pointer = `${at}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
  const message = `${where} has an unknown key ${JSON.stringify(key)}${guess === null ? "" : ` (did you mean ${JSON.stringify(guess)}?)`}.`;
  const fix =
    guess === null
      ? `Remove ${JSON.stringify(key)}; allowed keys here are ${allowed.map((k) => JSON.stringify(k)).join(", ")}.`
      : `Rename ${JSON.stringify(key)} to ${JSON.stringify(guess)}.`;
  return error(pointer, message, fix);
}

function badName(at: string, name: string): Issue {
  const kind = at === "/volumes" ? "volume id" : "artifact name";
  const pointer = `${at}/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`;
  return error(pointer, `${kind} ${JSON.stringify(name)} is not allowed.`, `Rename it. ${ID_RULE}`);
}

function alternatives(data: unknown, at: string): Issue {
  const segments = pointerSegments(at);
  const key = segments[segments.length - 1] ?? "";
  const rule = ALTERNATIVES[key] ?? ALTERNATIVES.size!;
  const found = describeValue(valueAt(data, segments));
  return error(at, `${describePointer(at)} is ${found}; it ${rule.must}.`, rule.fix);
}

// One ajv error as an issue, or null when another error says the same thing better.
function toIssue(data: unknown, e: ErrorObject): Issue | null {
  if (e.schemaPath.includes("/anyOf/") || e.schemaPath.includes("/propertyNames/")) return null;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties":
      return unknownKey(e.instancePath, String(params.additionalProperty));
    case "propertyNames":
      return badName(e.instancePath, String(params.propertyName));
    case "anyOf":
      return alternatives(data, e.instancePath);
    default:
      return keywordIssue({ data, error: e });
  }
}

/** Issues for the errors the generated validator left in `.errors`. */
export function schemaIssues(data: unknown, errors: readonly ErrorObject[]): Issue[] {
  return errors.map((e) => toIssue(data, e)).filter((issue): issue is Issue => issue !== null);
}
