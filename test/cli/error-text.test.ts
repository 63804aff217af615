// How failures are printed: user errors in one line, VolplanError with its code, stacks only with VOLPLAN_DEBUG=1.
import { describe, expect, it } from "vitest";
import { UsageError, UserError } from "../../src/cli/command.js";
import { errorText } from "../../src/cli/error-text.js";
import { VolplanError } from "../../src/errors.js";

describe("errorText", () => {
  it("prints a usage error with a hint", () => {
    expect(errorText(new UsageError("unknown option '--x'", "plan"), true)).toBe(
      "volplan: unknown option '--x'\nRun 'volplan plan --help' for usage.\n",
    );
  });

  it("prints a user error as one line, even when debugging", () => {
    expect(errorText(new UserError("cannot save the plan to /x"), true)).toBe(
      "volplan: cannot save the plan to /x\n",
    );
  });

  it("prints a VolplanError's message and code, with the stack only when debugging", () => {
    const error = new VolplanError("lock-held", "another volplan holds /var/lib/volplan/lock");
    expect(errorText(error, false)).toBe(
      "volplan: another volplan holds /var/lib/volplan/lock [lock-held]\n",
    );
    expect(errorText(error, true)).toContain("\n    at ");
  });

  it("marks anything else as an internal error, with the stack only when debugging", () => {
    const error = new TypeError("x is undefined");
    expect(errorText(error, false)).toBe("volplan: internal error: x is undefined\n");
    expect(errorText(error, true)).toMatch(
      /^volplan: internal error: x is undefined\nTypeError: x is undefined\n {4}at /,
    );
    expect(errorText("thrown string", false)).toBe("volplan: internal error: thrown string\n");
  });
});
