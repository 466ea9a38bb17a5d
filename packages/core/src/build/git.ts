import { execute } from "../exec/exec.js";

/**
 * The commit being built (undefined outside a git checkout) and the image creation time:
 * SOURCE_DATE_EPOCH when set, else the commit time, so two builds of one commit carry the same
 * `created` label and produce the same image config. One git process answers both: every child
 * process adds its start to kiln's.
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
