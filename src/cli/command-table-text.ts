// Texts about the whole program that --help and the man page share.
import { EXIT } from "./exit-codes.js";

/** What volplan is, in one paragraph. */
export const PROGRAM =
  "Reconciles VM disk-image volumes and boot artifacts with a JSON manifest: validates it, looks at the host, shows a plan, and applies it without ever shrinking, reformatting or deleting an image.";

/** The environment variables volplan reads. */
export const ENVIRONMENT: readonly { readonly name: string; readonly help: string }[] = [
  {
    name: "VOLPLAN_MANIFEST",
    help: "the manifest when neither FILE nor --manifest is given (default /etc/volplan/manifest.json)",
  },
  {
    name: "NO_COLOR",
    help: "set and not empty: no colour unless --color=always asks for it",
  },
  {
    name: "TERM",
    help: "dumb: no colour unless --color=always, and progress as plain lines",
  },
  { name: "VOLPLAN_DEBUG", help: "1: print a stack trace with an internal error" },
];

/** What each exit status means, for every command. */
export const EXIT_STATUS: readonly { readonly code: number; readonly meaning: string }[] = [
  { code: EXIT.ok, meaning: "success; with --detailed-exitcode, nothing to change" },
  { code: EXIT.error, meaning: "error (bad input, I/O failure, failed step, stale saved plan)" },
  { code: EXIT.changes, meaning: "with --detailed-exitcode: changes pending" },
  {
    code: EXIT.refused,
    meaning:
      "refusals present: some volume or artifact is left alone until the manifest or the host changes",
  },
  {
    code: EXIT.infeasible,
    meaning:
      "plan infeasible: a host filesystem cannot hold what the plan writes plus the reserve; nothing was touched",
  },
];
