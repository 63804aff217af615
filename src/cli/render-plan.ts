// Picks a plan view from the flags and loads only the renderer it needs.
import type { Plan } from "../plan/types.js";
import { UsageError } from "./command.js";

/** The view a command prints. */
export type OutputFormat = "text" | "json" | "markdown";

/** --json or --markdown (not both), else text. */
export function outputFormat(
  values: { readonly json?: boolean | undefined; readonly markdown?: boolean | undefined },
  command: string,
): OutputFormat {
  if (values.json === true && values.markdown === true) {
    throw new UsageError("--json and --markdown cannot be used together; pick one", command);
  }
  if (values.json === true) return "json";
  return values.markdown === true ? "markdown" : "text";
}

/** Renders a plan in the chosen view. */
export async function renderPlan(
  plan: Plan,
  options: {
    readonly format: OutputFormat;
    readonly color: boolean;
    readonly verbose: boolean;
    readonly space: boolean;
    readonly title: string;
  },
): Promise<string> {
  switch (options.format) {
    case "json": {
      const { renderJson } = await import("../render/json.js");
      return renderJson(plan);
    }
    case "markdown": {
      const { renderMarkdown } = await import("../render/markdown.js");
      return renderMarkdown(plan, { title: options.title, space: options.space });
    }
    case "text": {
      const { renderText } = await import("../render/text.js");
      return renderText(plan, options);
    }
  }
}
