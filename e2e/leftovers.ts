import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { execute } from "@kiln/core";

// Vitest global setup for the e2e suite: what the suite leaves behind is a failure. Every temp
// directory kiln and these tests make starts with "kiln"; containers and networks are compared by
// id, so a test that forgets `--rm` or a cleanup path that never ran shows up by name.

interface Snapshot {
  temp: Set<string>;
  containers: Set<string>;
  networks: Set<string>;
}

async function snapshot(): Promise<Snapshot> {
  const temp = new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("kiln")));
  const list = async (args: string[]) => {
    const result = await execute({ command: "docker", args });
    return new Set(result.exitCode === 0 ? result.stdout.split("\n").filter(Boolean) : []);
  };
  return {
    temp,
    containers: await list(["ps", "--all", "--format", "{{.ID}} {{.Image}} {{.Names}}"]),
    networks: await list(["network", "ls", "--format", "{{.ID}} {{.Name}}"]),
  };
}

export default async function leftoversCheck(): Promise<() => Promise<void>> {
  const before = await snapshot();
  return async () => {
    const after = await snapshot();
    const added = (kind: keyof Snapshot) =>
      [...after[kind]].filter((entry) => !before[kind].has(entry)).map((entry) => `${kind}: ${entry}`);
    const left = [...added("temp").map((entry) => `${entry} (in ${tmpdir()})`), ...added("containers"), ...added("networks")];
    if (left.length === 0) return;
    // Vitest reports an error thrown here but still exits 0, so the failure is set explicitly.
    process.stderr.write(`\nkiln e2e: FAIL: the suite left things behind:\n  ${left.join("\n  ")}\n`);
    process.exitCode = 1;
  };
}
