// Lint rules. The layers depend only downward (docs/architecture.md):
// cli → reconcile → render / artifacts → apply → observe → planfile → plan → manifest → host / units → text;
// the planner is pure, and observe imports nothing that writes or runs a command.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// What each folder under src/ may not import: every layer above it.
// The layers, top first. A folder may import only folders of later layers; folders of one layer
// are peers and import neither each other nor anything above.
const LAYERS = [
  ["cli"],
  ["reconcile"],
  ["render", "artifacts"],
  ["apply"],
  ["observe"],
  ["planfile"],
  ["plan"],
  ["manifest"],
  ["host", "units"],
  ["text"],
];
const ABOVE = Object.fromEntries(
  LAYERS.flatMap((layer, index) =>
    layer.map((name) => [
      name,
      [...LAYERS.slice(0, index).flat(), ...layer.filter((peer) => peer !== name)],
    ]),
  ),
);

// Modules that write, or run commands: none of them may reach observe or the planner.
const WRITERS = [
  { name: "node:child_process", message: "observe and plan run no command." },
  { name: "execa", message: "observe and plan run no command." },
  {
    name: "node:fs/promises",
    message: "observe reads synchronously through its HostReader; it writes nothing.",
  },
];
const FS_WRITES = [
  "writeFile",
  "writeFileSync",
  "appendFile",
  "appendFileSync",
  "mkdir",
  "mkdirSync",
  "mkdtemp",
  "mkdtempSync",
  "rm",
  "rmSync",
  "rmdir",
  "rmdirSync",
  "unlink",
  "unlinkSync",
  "rename",
  "renameSync",
  "truncate",
  "truncateSync",
  "ftruncate",
  "ftruncateSync",
  "link",
  "linkSync",
  "symlink",
  "symlinkSync",
  "chmod",
  "chmodSync",
  "chown",
  "chownSync",
  "fchmod",
  "fchmodSync",
  "fchown",
  "fchownSync",
  "copyFile",
  "copyFileSync",
  "cp",
  "cpSync",
  "writeSync",
  "write",
  "createWriteStream",
  "utimes",
  "utimesSync",
];
const HOST_WRITERS = ["**/host/lock.js", "**/host/runner.js"];

function layerRules() {
  return Object.entries(ABOVE).map(([layer, above]) => {
    const patterns = above.map((name) => ({
      group: [`**/${name}/**`, `../${name}/*`, `./${name}/*`],
      message: `src/${layer} sits below src/${name}: it must not import it (docs/architecture.md).`,
    }));
    const paths = [];
    if (layer === "plan") {
      patterns.push(
        {
          group: ["node:*", "fs", "path", "os", "child_process", "crypto"],
          message: "src/plan is pure: no Node built-ins.",
        },
        { group: ["execa", "p-limit"], message: "src/plan is pure: no effects." },
      );
    }
    if (layer === "observe") {
      patterns.push({ group: HOST_WRITERS, message: "observe takes no lock and runs no command." });
      paths.push(...WRITERS, {
        name: "node:fs",
        importNames: FS_WRITES,
        message: "observe writes nothing.",
      });
    }
    // no-restricted-imports does not see import(): the same rule for dynamic imports.
    const dynamic = {
      selector: `ImportExpression[source.value=/(^|\\/)(${above.join("|")})\\//]`,
      message: `src/${layer} must not import a layer above it, not even with import().`,
    };
    return {
      files: [`src/${layer}/**/*.ts`],
      rules: {
        "no-restricted-imports": ["error", { patterns, paths }],
        "no-restricted-syntax": ["error", dynamic],
      },
    };
  });
}

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "src/generated/**",
      "coverage/**",
      "**/*.mjs",
      "eslint.config.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  ...layerRules(),
  {
    files: ["src/plan/**/*.ts"],
    rules: {
      "no-restricted-globals": ["error", "process", "Date", "setTimeout", "fetch"],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random" },
        { object: "Date", property: "now" },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**"],
    rules: {
      "no-console": "error",
      "no-restricted-properties": ["error", { object: "process", property: "exit" }],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
