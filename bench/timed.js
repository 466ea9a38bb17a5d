import { spawn } from "node:child_process";

/**
 * Runs a command to completion and returns its wall time in milliseconds with its output: whole
 * processes, because that is what a user waits for. A failed command fails the bench; a number
 * measured on a failure would be a lie.
 */
export function timed(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0 && !options.allowFailure) {
        reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output.slice(-3000)}`));
      } else {
        resolve({ ms, code, output, stdout });
      }
    });
  });
}

/** Runs `sample` `runs` times and returns the timings. */
export async function sampled(runs, sample) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await sample(i));
  return samples;
}
