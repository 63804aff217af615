// Evaluates NixOS hosts with nix/module.nix through test/nix/eval-host.nix (nixpkgs' real
// lib.evalModules, microvm.nix's real modules), every case of a table in one nix-instantiate call.
import { evalError, evalJson } from "./nix-tool.js";

/** One host: a NixOS module as Nix text (it may use `h`, the helpers of eval-host.nix). */
export interface HostCase {
  readonly module: string;
  /** Import microvm.nix's host module (default true). */
  readonly microvm?: boolean;
}

/** A systemd service as the evaluated configuration declares it. */
export interface Unit {
  description: string;
  requires: string[];
  wants: string[];
  after: string[];
  before: string[];
  partOf: string[];
  wantedBy: string[];
  requiredBy: string[];
  restartIfChanged: boolean;
  reloadIfChanged: boolean;
  reloadTriggers: string[];
  unitConfig: Record<string, unknown>;
  serviceConfig: Record<string, unknown>;
}

/** What a test reads of one evaluated host. */
export interface Host {
  manifest: { volumes?: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  manifestText: string;
  checkPhase: string;
  failedAssertions: string[];
  warnings: string[];
  /** volplan.service and every volplan-*.service. */
  services: Record<string, Unit>;
  /** What the configuration adds to each microvm@<name>. */
  vmUnits: Record<string, { requires: string[]; after: string[] }>;
  activation: { deps: string[]; supportsDryActivation: boolean; text: string } | null;
  /** The whole activation script, as nixpkgs assembles it from its snippets. */
  activationScript: string;
  dryActivationScript: string;
  etc: Record<string, string>;
}

function casesExpr(cases: Readonly<Record<string, HostCase>>): string {
  const fields = Object.entries(cases).map(
    ([name, c]) =>
      `${JSON.stringify(name)} = { module = ${c.module}; microvm = ${c.microvm === false ? "false" : "true"}; };`,
  );
  return `import ./test/nix/eval-host.nix { cases = h: { ${fields.join("\n")} }; }`;
}

/** Evaluates every case once, on first use; later calls share the result. */
export function hostEvaluator(
  cases: Readonly<Record<string, HostCase>>,
): () => Promise<Record<string, Host>> {
  let result: Promise<Record<string, Host>> | undefined;
  return () => (result ??= evalJson({ expr: casesExpr(cases) }) as Promise<Record<string, Host>>);
}

/** Evaluates one host that must fail to evaluate; returns Nix's error text. */
export function hostError(c: HostCase): Promise<string> {
  return evalError(`(${casesExpr({ only: c })}).only`);
}
