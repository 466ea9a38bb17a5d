#!/usr/bin/env node
// docs/reference: the API reference (every definition field, feature and option) generated from
// the TSDoc by typedoc and typedoc-plugin-markdown (typedoc.json). `--check` writes it to a temp
// directory instead and fails (exit 1) when it differs from the committed one, which CI runs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const committed = path.join(root, "docs/reference");
const check = process.argv.includes("--check");
const out = check ? mkdtempSync(path.join(tmpdir(), "kiln-reference-")) : committed;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? files(file).map((f) => path.join(name, f)) : [name];
  });
}

try {
  if (!check) rmSync(committed, { recursive: true, force: true });
  execFileSync(process.execPath, [path.join(root, "node_modules/typedoc/bin/typedoc"), "--out", out, "--logLevel", "Warn"], {
    cwd: root,
    stdio: "inherit",
  });
  if (check) {
    const expected = files(out).sort();
    const actual = statSync(committed, { throwIfNoEntry: false }) ? files(committed).sort() : [];
    const differing = [...new Set([...expected, ...actual])].filter(
      (file) =>
        !expected.includes(file) ||
        !actual.includes(file) ||
        readFileSync(path.join(out, file), "utf8") !== readFileSync(path.join(committed, file), "utf8"),
    );
    if (differing.length > 0) {
      console.error(
        `docs/reference is out of date: ${differing.map((f) => `docs/reference/${f}`).join(", ")}\n  fix: run \`pnpm reference\` and commit the result (the reference is generated from the TSDoc)`,
      );
      process.exitCode = 1;
    } else {
      console.log(`docs/reference is current (${expected.length} files)`);
    }
  }
} finally {
  if (check) rmSync(out, { recursive: true, force: true });
}
