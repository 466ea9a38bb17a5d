import { homedir } from "node:os";
import path from "node:path";

/**
 * The docker CLI's configuration directory, as the CLI finds it: $DOCKER_CONFIG, else ~/.docker.
 * Its config.json holds registry logins (@kiln/registry) and the current context (@kiln/engine).
 */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || path.join(env.HOME || homedir(), ".docker");
}
