// Dispatches one action to its executor; refusals and no-ops become results without touching the host.
import type { Action, ArtifactFetchAction } from "../plan/types.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { applyAllocate } from "./allocate.js";
import { applyCreate } from "./create.js";
import { applyGrowFilesystem } from "./grow-filesystem.js";
import { applyGrowImage } from "./grow.js";
import { applyCreateQcow2 } from "./qcow2-create.js";
import { applySeedQcow2 } from "./qcow2-seed.js";
import { applyGrowQcow2 } from "./qcow2-grow.js";
import { applyRemoveTemp } from "./remove-temp.js";
import { applyRepairFilesystem } from "./repair-filesystem.js";
import type { ActionStatus } from "./report.js";
import { applySeed } from "./seed.js";
import { applySetOwnership } from "./set-ownership.js";

/** Downloads one artifact into the cache; supplied by the artifact stage. */
export type ArtifactFetcher = (
  action: ArtifactFetchAction,
  ctx: ApplyContext,
) => Promise<StepOutcome>;

/** An action's outcome when it runs nothing, or the executor to run. */
export type Execution =
  | { readonly immediate: ActionStatus; readonly error?: { code: string; message: string } }
  | { readonly run: () => Promise<StepOutcome> };

/** The kinds that allocate space on a host filesystem: serialized per filesystem, free space re-checked first. */
export function consumesSpace(action: Action): boolean {
  switch (action.kind) {
    case "create":
    case "seed":
    case "grow-image":
    case "grow-filesystem":
    case "allocate":
    case "artifact-fetch":
      return true;
    case "repair-filesystem":
    case "set-ownership":
    case "remove-temp":
    case "no-change":
    case "refuse":
    case "artifact-ok":
    case "artifact-refuse":
      return false;
  }
}

/** What to do for one action. */
export function executionOf(input: {
  action: Action;
  ctx: ApplyContext;
  fetchArtifact: ArtifactFetcher | undefined;
}): Execution {
  const { action, ctx } = input;
  switch (action.kind) {
    // qcow2 images are made and grown by qemu-img (qcow2-create.ts, qcow2-seed.ts, qcow2-grow.ts).
    case "create":
      return {
        run: () =>
          action.image_format === "qcow2"
            ? applyCreateQcow2(action, ctx)
            : applyCreate(action, ctx),
      };
    case "seed":
      return {
        run: () =>
          action.image_format === "qcow2" ? applySeedQcow2(action, ctx) : applySeed(action, ctx),
      };
    case "grow-image":
      return {
        run: () =>
          action.image_format === "qcow2"
            ? applyGrowQcow2(action, ctx)
            : applyGrowImage(action, ctx),
      };
    case "grow-filesystem":
      return { run: () => applyGrowFilesystem(action, ctx) };
    case "allocate":
      return { run: () => applyAllocate(action, ctx) };
    case "repair-filesystem":
      return { run: () => applyRepairFilesystem(action, ctx) };
    case "set-ownership":
      return { run: () => applySetOwnership(action, ctx) };
    case "remove-temp":
      return { run: () => applyRemoveTemp(action, ctx) };
    case "artifact-fetch": {
      const fetch = input.fetchArtifact;
      if (fetch === undefined) {
        return {
          immediate: "skipped",
          error: {
            code: "ARTIFACT_FETCH_UNAVAILABLE",
            message: `artifact ${action.artifact}: no downloader was given to this apply; nothing was fetched.`,
          },
        };
      }
      return { run: () => fetch(action, ctx) };
    }
    case "no-change":
    case "artifact-ok":
      return { immediate: "unchanged" };
    case "refuse":
    case "artifact-refuse":
      return { immediate: "refused", error: { code: action.refusal, message: action.reason } };
  }
}
