// A step's duration is its own: the time it waits for a --jobs slot is not counted.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import pLimit from "p-limit";
import { describe, expect, it } from "vitest";
import type { ApplyContext } from "../../src/apply/context.js";
import type { ActionResult } from "../../src/apply/report.js";
import { makeSlotRunner, type Slot } from "../../src/apply/run-slots.js";
import { SpaceLedger } from "../../src/apply/space-ledger.js";
import type { RemoveTempAction } from "../../src/plan/types.js";
import { useTempDir } from "../helpers/temp-dir.js";

// The largest pid Linux hands out: no process has it, so its temp files are a dead run's.
const DEAD_PID = 4194304;
const HOLD_MS = 1500;

describe("slot durations", () => {
  const scratch = useTempDir("volplan-slots-");

  it("count from when the step runs, not while it waits for a --jobs slot", async () => {
    const actions: RemoveTempAction[] = [];
    for (const name of ["a", "b"]) {
      const temp = path.join(scratch.dir, `.${name}.img.volplan-tmp-${DEAD_PID}-0000000${name}`);
      await writeFile(temp, "left by a killed run");
      actions.push({
        kind: "remove-temp",
        volume: `vm/${name}`,
        path: temp,
        reason: "leftover temp file",
        consumes: { filesystem: "0:0", bytes: 0 },
        frees: 0,
      });
    }
    // The first step holds the only slot for HOLD_MS at its last boundary; the second waits for it.
    const hook: ApplyContext["hook"] = (_step, subject) =>
      subject === "vm/a" ? new Promise((resolve) => setTimeout(resolve, HOLD_MS)) : undefined;
    const ctx = { hook } as unknown as ApplyContext;
    const results = new Map<string, Omit<ActionResult, "kind" | "subject" | "path">>();
    const runSlot = makeSlotRunner({
      ctx,
      ledger: new SpaceLedger({ budgets: [], freeBytes: () => 0 }),
      limit: pLimit(1),
      record: (slot, result) => results.set(slot.action.path, result),
      fetchArtifact: undefined,
    });
    const slots: Slot[] = actions.map((action, index) => ({ index, action, ticket: null }));
    await Promise.all(slots.map((slot) => runSlot(slot, null)));

    const [first, second] = actions.map((action) => results.get(action.path));
    expect(first?.status).toBe("done");
    expect(second?.status).toBe("done");
    expect(first?.durationMs).toBeGreaterThanOrEqual(HOLD_MS - 50);
    // It waited HOLD_MS for the slot, then ran an unlink and a directory fsync.
    expect(second?.durationMs).toBeLessThan(HOLD_MS / 2);
  });
});
