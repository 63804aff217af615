// Every subcommand, one re-export line each; `volplan --help` lists them in alphabetical order.
export { applyCommand } from "./apply.js";
export { artifactCommand } from "./artifact.js";
export { diffCommand } from "./diff.js";
export { gcCommand } from "./gc.js";
export { planCommand } from "./plan.js";
export { validateCommand } from "./validate.js";
