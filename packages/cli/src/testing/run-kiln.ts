import { fileURLToPath } from "node:url";
import { execute } from "@kiln/core";

/** The kiln binary of this checkout, as a user runs it. */
export const kilnBin = fileURLToPath(new URL("../../bin/kiln.js", import.meta.url));

/** Runs the real kiln binary in `cwd`, with engine access pointed at nothing and no mirror. */
export function runKiln(args: string[], cwd: string, env: Record<string, string> = {}) {
  return execute(
    { command: process.execPath, args: [kilnBin, ...args] },
    { cwd, env: { DOCKER_HOST: "unix:///nonexistent/docker.sock", KILN_MIRROR: "", ...env } },
  );
}
