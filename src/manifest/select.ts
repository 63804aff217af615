// Narrows a manifest to the volumes and artifacts named by `--only` selectors (a VM's unit applies only its own).
import type { DesiredState } from "./desired.js";
import { closestName } from "./suggest.js";

/** The selector forms, for help texts and messages. */
export const SELECTOR_FORMS =
  "volumes, artifacts, volume:ID, volume:PREFIX/ (every volume whose id starts with PREFIX/) or artifact:NAME";

/** The narrowed manifest, or what is wrong with the selectors. */
export type Selection =
  | { readonly ok: true; readonly desired: DesiredState }
  | { readonly ok: false; readonly message: string };

interface Wanted {
  readonly volumes: (id: string) => boolean;
  readonly artifacts: (name: string) => boolean;
}

// One selector as a pair of predicates, or a message when it names nothing declared.
function parseSelector(selector: string, desired: DesiredState): Wanted | string {
  const none = (): boolean => false;
  const volumeIds = desired.volumes.map((v) => v.id);
  const artifactNames = desired.artifacts.map((a) => a.name);
  if (selector === "volumes") return { volumes: () => true, artifacts: none };
  if (selector === "artifacts") return { volumes: none, artifacts: () => true };
  if (selector.startsWith("volume:")) {
    const id = selector.slice("volume:".length);
    if (id.endsWith("/") && id.length > 1) {
      return volumeIds.some((v) => v.startsWith(id))
        ? { volumes: (v) => v.startsWith(id), artifacts: none }
        : `no declared volume id starts with '${id}'${hint(id.slice(0, -1), volumeIds.map(groupOf), "volume:", "/")}`;
    }
    return volumeIds.includes(id)
      ? { volumes: (v) => v === id, artifacts: none }
      : `the manifest declares no volume '${id}'${hint(id, volumeIds, "volume:", "")}`;
  }
  if (selector.startsWith("artifact:")) {
    const name = selector.slice("artifact:".length);
    return artifactNames.includes(name)
      ? { volumes: none, artifacts: (a) => a === name }
      : `the manifest declares no artifact '${name}'${hint(name, artifactNames, "artifact:", "")}`;
  }
  return `'${selector}' is not a selector; use ${SELECTOR_FORMS}`;
}

function groupOf(id: string): string {
  return id.split("/")[0] ?? id;
}

function hint(name: string, known: readonly string[], prefix: string, suffix: string): string {
  const close = closestName(name, [...new Set(known)]);
  return close === null ? "" : `; did you mean '${prefix}${close}${suffix}'?`;
}

/** The manifest with only the selected volumes and artifacts; every selector must select something. */
export function selectDesired(desired: DesiredState, selectors: readonly string[]): Selection {
  if (selectors.length === 0) return { ok: true, desired };
  const wanted: Wanted[] = [];
  for (const selector of selectors) {
    const parsed = parseSelector(selector, desired);
    if (typeof parsed === "string") return { ok: false, message: `--only ${selector}: ${parsed}` };
    wanted.push(parsed);
  }
  return {
    ok: true,
    desired: {
      ...desired,
      volumes: desired.volumes.filter((v) => wanted.some((w) => w.volumes(v.id))),
      artifacts: desired.artifacts.filter((a) => wanted.some((w) => w.artifacts(a.name))),
    },
  };
}
