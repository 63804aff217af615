// Every subcommand, one re-export line each; `volplan --help` lists them in alphabetical order.
export { applyCommand } from "./apply.js";
export { diffCommand } from "./diff.js";
export { planCommand } from "./plan.js";
export { validateCommand } from "./validate.js";
