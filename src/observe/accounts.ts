// Resolves the user and group names a manifest uses from /etc/passwd and /etc/group.
import type { DesiredState } from "../manifest/desired.js";
import type { HostReader } from "./host-reader.js";

/** Names mapped to numeric ids; names not on the host are absent. */
export interface Accounts {
  readonly users: Record<string, number>;
  readonly groups: Record<string, number>;
}

/** Reads passwd and group (each once, and only when some volume names an account). */
export function observeAccounts(input: {
  desired: DesiredState;
  host: HostReader;
  etcDir: string;
}): Accounts {
  const { desired, host, etcDir } = input;
  const userNames = namesOf(desired.volumes.map((v) => v.owner));
  const groupNames = namesOf(desired.volumes.map((v) => v.group));
  const users = userNames.size === 0 ? {} : pick(host.readText(`${etcDir}/passwd`), userNames);
  const groups = groupNames.size === 0 ? {} : pick(host.readText(`${etcDir}/group`), groupNames);
  return { users, groups };
}

function namesOf(values: readonly (string | number)[]): Set<string> {
  return new Set(values.filter((v): v is string => typeof v === "string"));
}

/** The ids of `names` in a passwd- or group-format text (name:x:id:...); the first entry wins. */
export function pick(text: string | null, names: ReadonlySet<string>): Record<string, number> {
  const found: Record<string, number> = {};
  for (const line of (text ?? "").split("\n")) {
    const [name, , idText] = line.split(":");
    if (name === undefined || !names.has(name) || name in found) continue;
    const id = Number(idText);
    if (idText !== undefined && /^\d+$/.test(idText) && Number.isSafeInteger(id)) found[name] = id;
  }
  return found;
}
