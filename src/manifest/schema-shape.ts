// Which part of the manifest schema describes an object at a given place, for listing allowed keys.
import schema from "../../schema/manifest.schema.json" with { type: "json" };

type Definition = "policy" | "volume" | "format" | "seed" | "artifact";

// Object places in a manifest, by pointer segments (ids as "*"), and the definition that describes them.
const PLACES: readonly (readonly [string, Definition | "root"])[] = [
  ["", "root"],
  ["policy", "policy"],
  ["volumes/*", "volume"],
  ["volumes/*/format", "format"],
  ["volumes/*/seed", "seed"],
  ["artifacts/*", "artifact"],
];

/** The keys allowed in the object at these pointer segments (empty when unknown). */
export function allowedKeys(segments: readonly string[]): string[] {
  const place = segments.map((segment, i) => (i === 1 ? "*" : segment)).join("/");
  const definition = PLACES.find(([shape]) => shape === place)?.[1];
  if (definition === undefined) return [];
  const properties =
    definition === "root" ? schema.properties : schema.definitions[definition].properties;
  return Object.keys(properties);
}
