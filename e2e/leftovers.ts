import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execute } from "@kiln/core";

// Vitest global setup for the e2e suite: what the suite leaves behind is a failure. The suite gets
// a temp directory of its own (TMPDIR, which the test workers, kiln and the tools they start all
// inherit), so whatever is left in it is the suite's, whatever else runs on the machine; containers
// and networks are compared by id, so a test that forgets `--rm` or a cleanup path that never ran
// shows up by name. A private engine's directory sits in /tmp itself (its socket path must be
// short): those are compared by name.

/**
 * Left in the temp directory by others, on purpose or not, and removed with it: jiti's cache of
 * what it transpiled (jiti), and the directories buildx makes for a build and never removes
 * (dockerfile<n>, empty-dir<n>; they pile up in /tmp on any machine that runs buildx).
 */
const notTheSuites = /^(?:jiti|dockerfile\d+|empty-dir\d+)$/;

interface Snapshot {
  engines: Set<string>;
  containers: Set<string>;
  networks: Set<string>;
}

async function snapshot(): Promise<Snapshot> {
  const engines = new Set(readdirSync("/tmp").filter((name) => name.startsWith("kiln-engine-")));
  const list = async (args: string[]) => {
    const result = await execute({ command: "docker", args });
    return new Set(result.exitCode === 0 ? result.stdout.split("\n").filter(Boolean) : []);
  };
  return {
    engines,
    containers: await list(["ps", "--all", "--format", "{{.ID}} {{.Image}} {{.Names}}"]),
    networks: await list(["network", "ls", "--format", "{{.ID}} {{.Name}}"]),
  };
}

export default async function leftoversCheck(): Promise<() => Promise<void>> {
  const machineTemp = tmpdir();
  const suiteTemp = mkdtempSync(path.join(machineTemp, "kiln-e2e-run-"));
  process.env.TMPDIR = suiteTemp;
  const before = await snapshot();
  return async () => {
    const after = await snapshot();
    const added = (kind: keyof Snapshot) =>
      [...after[kind]].filter((entry) => !before[kind].has(entry)).map((entry) => `${kind}: ${entry}`);
    const left = [
      ...readdirSync(suiteTemp)
        .filter((entry) => !notTheSuites.test(entry))
        .map((entry) => `temp: ${entry}`),
      ...added("engines"),
      ...added("containers"),
      ...added("networks"),
    ];
    process.env.TMPDIR = machineTemp;
    if (left.length === 0) {
      rmSync(suiteTemp, { recursive: true, force: true });
      return;
    }
    // Kept for a look at what was left; vitest reports an error thrown here but still exits 0, so
    // the failure is set explicitly.
    process.stderr.write(`\nkiln e2e: FAIL: the suite left things behind (in ${suiteTemp}):\n  ${left.join("\n  ")}\n`);
    process.exitCode = 1;
  };
}
