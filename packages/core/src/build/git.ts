import { execute } from "../exec/exec.js";

/** The commit being built, or undefined outside a git checkout. */
export async function gitRevision(root: string): Promise<string | undefined> {
  const result = await execute({ command: "git", args: ["rev-parse", "HEAD"] }, { cwd: root }).catch(() => undefined);
  return result?.exitCode === 0 ? result.stdout.trim() : undefined;
}

/**
 * The image creation time: SOURCE_DATE_EPOCH when set, else the commit time, so two builds of
 * one commit carry the same `created` label and produce the same image config.
 */
export async function sourceDateEpoch(root: string, env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  const fromEnv = env.SOURCE_DATE_EPOCH;
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) return Number(fromEnv);
  const result = await execute({ command: "git", args: ["log", "-1", "--format=%ct"] }, { cwd: root }).catch(() => undefined);
  return result?.exitCode === 0 && /^\d+$/.test(result.stdout.trim()) ? Number(result.stdout.trim()) : undefined;
}

/**
 * gitRevision and sourceDateEpoch from one git process (`kiln build` and `kiln bake` need both,
 * and every child process adds its start to kiln's).
 */
export async function commitFacts(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ revision: string | undefined; createdEpoch: number | undefined }> {
  const result = await execute({ command: "git", args: ["log", "-1", "--format=%H %ct"] }, { cwd: root }).catch(() => undefined);
  const [revision, time] = result?.exitCode === 0 ? result.stdout.trim().split(" ") : [];
  const fromEnv = env.SOURCE_DATE_EPOCH;
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) return { revision, createdEpoch: Number(fromEnv) };
  return { revision, createdEpoch: time !== undefined && /^\d+$/.test(time) ? Number(time) : undefined };
}
