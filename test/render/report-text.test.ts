// The apply report below the plan: each refusal once (the plan lists it with its fix), steps and
// their durations, and totals that count steps.
import { describe, expect, it } from "vitest";
import type { ActionResult, ApplyReport } from "../../src/apply/report.js";
import { totalsOf } from "../../src/apply/report.js";
import { renderReportText } from "../../src/render/report-text.js";

function report(results: ActionResult[]): ApplyReport {
  return { results, totals: totalsOf(results), durationMs: 165 };
}

const shrink: ActionResult = {
  kind: "refuse",
  subject: "a/big",
  path: "/srv/vm/big.img",
  status: "refused",
  durationMs: 0,
  error: { code: "shrink", message: "volume a/big: /srv/vm/big.img is 128 MiB; never shrinks." },
};
const created: ActionResult = {
  kind: "create",
  subject: "a/raw",
  path: "/srv/vm/raw.img",
  status: "done",
  durationMs: 26,
};
const seeded: ActionResult = {
  kind: "seed",
  subject: "a/seeded",
  path: "/srv/vm/s.img",
  status: "done",
  durationMs: 1500,
  note: "hole-preserving copy of /srv/base.img (4.36 MiB allocated)",
};
const busy: ActionResult = {
  kind: "grow-image",
  subject: "a/db",
  path: "/srv/vm/db.img",
  status: "refused",
  durationMs: 2,
  error: { code: "IMAGE_IN_USE", message: "volume a/db: qemu (pid 42) holds it." },
};
const same: ActionResult = {
  kind: "no-change",
  subject: "a/same",
  path: "/srv/vm/same.img",
  status: "unchanged",
  durationMs: 0,
};

describe("apply report text", () => {
  it("does not repeat a refusal the plan made; one found while applying is listed once", () => {
    const text = renderReportText(report([shrink, created, busy]), {
      color: false,
      verbose: false,
    });
    expect(text).not.toContain("a/big");
    expect(text).not.toMatch(/refused +refuse/);
    expect(text.match(/a\/db/g)).toHaveLength(2);
    expect(text).toMatch(/^refused +grow-image +a\/db +\/srv\/vm\/db\.img +2 ms$/m);
    expect(text).toContain("    volume a/db: qemu (pid 42) holds it. [IMAGE_IN_USE]");
  });

  it("lists steps with their durations and counts steps in its totals", () => {
    const text = renderReportText(report([shrink, created, seeded, same]), {
      color: false,
      verbose: false,
    });
    expect(text.split("\n")).toEqual([
      "done  create  a/raw     /srv/vm/raw.img  26 ms",
      "done  seed    a/seeded  /srv/vm/s.img    1.5 s",
      "    hole-preserving copy of /srv/base.img (4.36 MiB allocated)",
      "Apply: 4 steps, 2 done, 1 refused (listed in the plan), 1 unchanged, in 165 ms.",
      "",
    ]);
  });

  it("lists unchanged steps with --verbose", () => {
    const text = renderReportText(report([same]), { color: false, verbose: true });
    expect(text).toMatch(/^unchanged +no-change +a\/same /m);
    expect(text).toContain("Apply: 1 step, 1 unchanged, in 165 ms.");
  });
});
