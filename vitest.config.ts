import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds dist/ once; the CLI tests run dist/volplan.cjs (test/cli/volplan.ts).
    globalSetup: ["test/cli/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests that mount filesystems or take loop devices must not run concurrently with each other.
    fileParallelism: true,
    pool: "forks",
  },
});
