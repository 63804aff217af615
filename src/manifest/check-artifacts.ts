// Rules for artifacts: one source (urls or a store path), a valid sha256, safe URLs and file names.
import { checkSize } from "./check-size.js";
import { fileNameProblem, lastUrlComponent } from "./file-name.js";
import { isRecord, sortedEntries, stringAt } from "./guards.js";
import { describeSha256Problem } from "./hash.js";
import { error, pointer, warning, type Issue } from "./issue.js";
import { checkAbsolutePath, normalizePath, pathProblem } from "./paths.js";

const SCHEMES = new Set(["https:", "http:", "file:"]);

function checkUrl(name: string, index: number, url: unknown): Issue | null {
  if (typeof url !== "string" || url === "") return null;
  const at = pointer("artifacts", name, "urls", index);
  const what = `artifact ${JSON.stringify(name)}: URL ${JSON.stringify(url)}`;
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    return error(
      at,
      `${what} is not a valid URL.`,
      'Write a full URL such as "https://example.org/installer.tar.gz".',
    );
  }
  if (SCHEMES.has(scheme)) return null;
  return error(
    at,
    `${what} uses ${scheme.slice(0, -1)}; volplan downloads over https, http or file only.`,
    "Use an https:// URL.",
  );
}

function checkFileName(
  name: string,
  artifact: Record<string, unknown>,
  urls: unknown[],
): Issue | null {
  const at = pointer("artifacts", name, "fileName");
  const declared = stringAt(artifact, "fileName");
  if (declared !== undefined) {
    const problem = declared === "" ? null : fileNameProblem(declared);
    if (problem === null) return null;
    return error(
      at,
      `artifact ${JSON.stringify(name)}: fileName ${JSON.stringify(declared)} ${problem}.`,
      'Use a plain file name such as "installer.tar.gz".',
    );
  }
  const first = urls[0];
  if (typeof first !== "string" || first === "") return null;
  if (!URL.canParse(first)) return null; // reported as a bad URL
  const derived = lastUrlComponent(first);
  const problem = derived === null ? "cannot be percent-decoded" : fileNameProblem(derived);
  if (problem === null) return null;
  return error(
    at,
    `artifact ${JSON.stringify(name)} has no fileName, and the default taken from its first URL (${JSON.stringify(derived ?? first)}) ${problem}.`,
    'Set fileName, keeping the suffix tools look at, for example "nixos-kexec-installer.tar.gz".',
  );
}

function checkHash(
  name: string,
  artifact: Record<string, unknown>,
  hasUrls: boolean,
): Issue | null {
  const at = pointer("artifacts", name, "hash");
  const hash = artifact.hash;
  if (hash === undefined) {
    if (!hasUrls) return null;
    return error(
      at,
      `artifact ${JSON.stringify(name)} is downloaded from urls but has no hash to verify it.`,
      'Add hash = "sha256-…" (for example from `nix store prefetch-file URL`).',
    );
  }
  if (typeof hash !== "string" || hash === "") return null;
  const problem = describeSha256Problem(hash);
  if (problem === null) return null;
  return error(
    at,
    `artifact ${JSON.stringify(name)}: hash ${JSON.stringify(hash)} ${problem}.`,
    'Write the sha256 as SRI ("sha256-" and 44 base64 characters), 64 hex digits, or 52 nix32 characters.',
  );
}

function checkSource(name: string, artifact: Record<string, unknown>): Issue[] {
  const hasUrls = artifact.urls !== undefined;
  const at = pointer("artifacts", name);
  if (hasUrls && artifact.path !== undefined) {
    return [
      error(
        at,
        `artifact ${JSON.stringify(name)} declares both urls and path; it must come from one of them.`,
        "Keep urls to download it, or path to use a Nix store path in place, not both.",
      ),
    ];
  }
  if (!hasUrls && artifact.path === undefined) {
    return [
      error(
        at,
        `artifact ${JSON.stringify(name)} declares neither urls nor path.`,
        "Add urls (with hash) to download it, or path for a Nix store path.",
      ),
    ];
  }
  const path = stringAt(artifact, "path");
  if (path === undefined) return [];
  const what = `artifact ${JSON.stringify(name)}: path`;
  const bad = checkAbsolutePath({ value: path, pointer: pointer("artifacts", name, "path"), what });
  if (bad !== null) return [bad];
  if (path === "" || pathProblem(path) !== null || normalizePath(path).startsWith("/nix/store/"))
    return [];
  return [
    warning(
      pointer("artifacts", name, "path"),
      `${what} ${JSON.stringify(path)} is not in the Nix store, so it may change or vanish between runs.`,
      "Use a /nix/store path, or urls with a hash so volplan keeps its own verified copy.",
    ),
  ];
}

/** Issues with the manifest's artifacts. */
export function checkArtifacts(manifest: Record<string, unknown>): Issue[] {
  const issues: (Issue | null)[] = [];
  for (const [name, artifact] of sortedEntries(manifest.artifacts)) {
    if (!isRecord(artifact)) continue;
    const urls = Array.isArray(artifact.urls) ? (artifact.urls as unknown[]) : [];
    issues.push(...checkSource(name, artifact));
    issues.push(checkHash(name, artifact, artifact.urls !== undefined));
    issues.push(...urls.map((url, index) => checkUrl(name, index, url)));
    if (artifact.path === undefined) issues.push(checkFileName(name, artifact, urls));
    issues.push(
      ...checkSize({
        value: artifact.size,
        pointer: pointer("artifacts", name, "size"),
        what: `artifact ${JSON.stringify(name)}: size`,
        sectors: false,
      }),
    );
  }
  return issues.filter((issue): issue is Issue => issue !== null);
}
