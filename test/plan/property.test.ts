// Properties of the planner over random declared states and random hosts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import validatePlan from "../../src/generated/validate-plan.js";
import { plan } from "../../src/plan/plan.js";
import { idealSnapshot, simulateApply } from "../../src/plan/simulate.js";
import type { Action } from "../../src/plan/types.js";
import { desiredArb, scenarioArb } from "./arbitraries.js";

const RUNS = { numRuns: 500 };

function volumeOf(action: Action): string | null {
  return "volume" in action ? action.volume : null;
}

// The seed action of the same volume before actions[index] (its own earlier steps), if there is one.
function seedBefore(
  actions: readonly Action[],
  index: number,
): Extract<Action, { kind: "seed" }> | null {
  const action = actions[index];
  for (let i = index - 1; i >= 0; i--) {
    const previous = actions[i];
    if (previous === undefined || action === undefined) return null;
    if (volumeOf(previous) !== volumeOf(action)) return null;
    if (previous.kind === "seed") return previous;
  }
  return null;
}

describe("plan properties", () => {
  it("(a) no action lowers a size or creates where something exists", () => {
    fc.assert(
      fc.property(scenarioArb, ({ desired, snapshot }) => {
        const actions = plan(desired, snapshot).actions;
        for (const [index, action] of actions.entries()) {
          const entry = snapshot.volumes[volumeOf(action) ?? ""]?.entry;
          if (action.kind === "grow-image" || action.kind === "grow-filesystem") {
            expect(action.to).toBeGreaterThan(action.from);
            // A new image's filesystem grows only right after its seed copy.
            const seeded = seedBefore(actions, index);
            expect(entry?.type).toBe(seeded === null ? "file" : "missing");
          }
          if (action.kind === "grow-image")
            expect(entry?.type === "file" && entry.size).toBe(action.from);
          if (action.kind === "create" || action.kind === "seed")
            expect(entry?.type).toBe("missing");
        }
      }),
      RUNS,
    );
  });

  it("(b) nothing reformats, writes to a held image, or removes a live temp file", () => {
    fc.assert(
      fc.property(scenarioArb, ({ desired, snapshot }) => {
        const actions = plan(desired, snapshot).actions;
        for (const [index, action] of actions.entries()) {
          const entry = snapshot.volumes[volumeOf(action) ?? ""]?.entry;
          const seeded = seedBefore(actions, index);
          if (action.kind === "grow-filesystem") {
            // Only the filesystem already there (or copied from the seed) is grown; there is no
            // way to make a new one over it.
            const found =
              seeded === null
                ? entry?.type === "file" && entry.filesystem?.type
                : snapshot.seeds[seeded.from]?.foundFilesystem?.type;
            expect(found).toBe(action.fs_type);
          }
          const writes =
            action.kind === "grow-image" ||
            action.kind === "grow-filesystem" ||
            action.kind === "allocate" ||
            action.kind === "repair-filesystem";
          if (writes && !seeded) expect(entry?.type === "file" && entry.holders.length).toBe(0);
          if (action.kind === "remove-temp") {
            expect(snapshot.tempFiles.find((t) => t.path === action.path)?.live).toBe(false);
          }
          if (snapshot.volumes[volumeOf(action) ?? ""]?.pathProblem)
            expect(action.kind).toBe("refuse");
        }
      }),
      RUNS,
    );
  });

  it("(c) planning against the state a successful apply leaves yields no changes", () => {
    fc.assert(
      fc.property(scenarioArb, ({ desired, snapshot }) => {
        const first = plan(desired, snapshot);
        const refused = new Set(first.actions.filter((a) => a.kind === "refuse").map(volumeOf));
        const after = simulateApply(desired, snapshot, first);
        const second = plan(desired, after);
        for (const action of second.actions) {
          if (refused.has(volumeOf(action))) continue;
          expect([action.kind, action.reason]).toEqual(["no-change", action.reason]);
        }
      }),
      RUNS,
    );
  });

  it("(c) a host where everything exists as declared needs nothing", () => {
    fc.assert(
      fc.property(desiredArb, (desired) => {
        const result = plan(desired, idealSnapshot(desired));
        expect(result.actions.map((a) => a.kind)).toEqual(desired.volumes.map(() => "no-change"));
        expect(result.feasible).toBe(true);
      }),
      RUNS,
    );
  });

  it("(d) is deterministic and does not mutate its inputs", () => {
    fc.assert(
      fc.property(scenarioArb, ({ desired, snapshot }) => {
        const before = structuredClone({ desired, snapshot });
        const one = plan(desired, snapshot);
        const two = plan(desired, snapshot);
        expect(two).toEqual(one);
        expect({ desired, snapshot }).toEqual(before);
      }),
      RUNS,
    );
  });

  it("(e) every plan validates against schema/plan.schema.json", () => {
    fc.assert(
      fc.property(scenarioArb, ({ desired, snapshot }) => {
        const json: unknown = JSON.parse(JSON.stringify(plan(desired, snapshot)));
        const ok = validatePlan(json);
        expect(validatePlan.errors ?? []).toEqual([]);
        expect(ok).toBe(true);
      }),
      RUNS,
    );
  });
});
