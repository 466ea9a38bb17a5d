import type Docker from "dockerode";
import { containerLogs, execInContainer, publishedPort, type ContainerSpec } from "../engine/containers.js";
import { machineByPlatform, type Platform, sortedByCodePoint } from "@kiln/core";
import type { ImageTest } from "@kiln/core";

/** What a check needs: the running container of one platform, and how to start another. */
export interface CheckContext {
  docker: Docker;
  container: Docker.Container;
  platform: Platform;
  /** starts a fresh container of the same image and platform (for checks that end one) */
  startAnother(overrides?: Partial<ContainerSpec>): Promise<Docker.Container>;
  signal?: AbortSignal;
}

/** A failed expectation: the message says what was expected and what was seen. */
export class CheckFailure extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function checkPlatform(context: CheckContext): Promise<void> {
  const expected = machineByPlatform[context.platform];
  const { stdout, exitCode } = await execInContainer(context.container, ["uname", "-m"]);
  if (exitCode !== 0 || stdout.trim() !== expected) {
    throw new CheckFailure(`uname -m printed "${stdout.trim()}" (exit ${exitCode}), expected "${expected}" for ${context.platform}`);
  }
}

/** Runs one declared test; throws CheckFailure when the expectation does not hold. */
export async function runCheck(test: ImageTest, context: CheckContext): Promise<void> {
  switch (test.kind) {
    case "command":
      return checkCommand(test, context);
    case "file":
      return checkFile(test, context);
    case "metadata":
      return checkMetadata(test, context);
    case "http":
      return checkHttp(test, context);
    case "health":
      return checkHealth(test, context);
    case "zombies":
      return checkZombies(test, context);
    case "stop":
      return checkStop(test, context);
  }
}

async function checkCommand(test: Extract<ImageTest, { kind: "command" }>, { container }: CheckContext): Promise<void> {
  const result = await execInContainer(container, test.run, test.user);
  const shown = `${test.run.join(" ")}${test.user ? ` (as ${test.user})` : ""}`;
  if (result.exitCode !== test.exitCode) {
    throw new CheckFailure(`${shown} exited ${result.exitCode}, expected ${test.exitCode}\n${tailOf(result.stderr || result.stdout)}`);
  }
  for (const text of test.stdoutIncludes) {
    if (!result.stdout.includes(text)) throw new CheckFailure(`${shown}: stdout lacks "${text}"\n${tailOf(result.stdout)}`);
  }
  if (test.stdoutMatches !== undefined && !new RegExp(test.stdoutMatches, "m").test(result.stdout)) {
    throw new CheckFailure(`${shown}: stdout does not match /${test.stdoutMatches}/m\n${tailOf(result.stdout)}`);
  }
}

async function checkFile(test: Extract<ImageTest, { kind: "file" }>, { container }: CheckContext): Promise<void> {
  const path = test.path;
  // POSIX sh and coreutils/BusyBox stat only: images may have nothing else.
  const probe = await execInContainer(container, [
    "sh",
    "-c",
    'if [ -e "$1" ] || [ -L "$1" ]; then stat -c "%a %U" "$1"; if [ -d "$1" ]; then echo dir; ls -A "$1" | wc -l; else echo file; wc -c < "$1"; fi; else echo missing; fi',
    "sh",
    path,
  ]);
  const lines = probe.stdout
    .trim()
    .split("\n")
    .map((l) => l.trim());
  if (lines[0] === "missing") {
    if (test.exists) throw new CheckFailure(`${path} does not exist`);
    return;
  }
  if (!test.exists) throw new CheckFailure(`${path} exists, expected it not to`);
  const [mode, owner] = (lines[0] ?? "").split(" ");
  if (test.mode !== undefined && Number.parseInt(mode ?? "", 8) !== Number.parseInt(test.mode, 8)) {
    throw new CheckFailure(`${path} has mode ${mode}, expected ${test.mode.replace(/^0(?=\d{3}$)/, "")}`);
  }
  if (test.owner !== undefined && owner !== test.owner) throw new CheckFailure(`${path} is owned by ${owner}, expected ${test.owner}`);
  const size = Number(lines[2]);
  if (test.empty === true && size !== 0)
    throw new CheckFailure(`${path} is not empty (${lines[1] === "dir" ? `${size} entries` : `${size} bytes`})`);
  if (test.empty === false && size === 0) throw new CheckFailure(`${path} is empty`);
  if (test.contains.length > 0) {
    const content = await execInContainer(container, ["cat", path]);
    for (const text of test.contains) if (!content.stdout.includes(text)) throw new CheckFailure(`${path} does not contain "${text}"`);
  }
}

async function checkMetadata(test: Extract<ImageTest, { kind: "metadata" }>, { container }: CheckContext): Promise<void> {
  const config = (await container.inspect()).Config;
  const problems: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (test.user !== undefined && config.User !== test.user) problems.push(`user is "${config.User}", expected "${test.user}"`);
  if (test.entrypoint !== undefined && !same(config.Entrypoint, test.entrypoint))
    problems.push(`entrypoint is ${JSON.stringify(config.Entrypoint)}, expected ${JSON.stringify(test.entrypoint)}`);
  // The engine reports an empty CMD (`CMD []`) as null.
  if (test.cmd !== undefined && !same(config.Cmd ?? [], test.cmd))
    problems.push(`cmd is ${JSON.stringify(config.Cmd)}, expected ${JSON.stringify(test.cmd)}`);
  if (test.exposedPorts !== undefined) {
    const ports = sortedByCodePoint(Object.keys(config.ExposedPorts ?? {}));
    if (!same(ports, sortedByCodePoint(test.exposedPorts)))
      problems.push(`exposed ports are ${ports.join(", ") || "none"}, expected ${test.exposedPorts.join(", ")}`);
  }
  for (const [key, value] of Object.entries(test.labels ?? {})) {
    if (config.Labels?.[key] !== value) problems.push(`label ${key} is ${JSON.stringify(config.Labels?.[key])}, expected "${value}"`);
  }
  for (const [key, value] of Object.entries(test.env ?? {})) {
    if (!(config.Env ?? []).includes(`${key}=${value}`)) problems.push(`env ${key} is not "${value}"`);
  }
  const stopSignal = (config as { StopSignal?: string }).StopSignal;
  if (test.stopSignal !== undefined && stopSignal !== test.stopSignal)
    problems.push(`stop signal is ${stopSignal ?? "SIGTERM (default)"}, expected ${test.stopSignal}`);
  if (problems.length > 0) throw new CheckFailure(problems.join("; "));
}

async function checkHttp(test: Extract<ImageTest, { kind: "http" }>, { container, signal }: CheckContext): Promise<void> {
  const port = await publishedPort(container, `${test.port}/tcp`);
  if (port === undefined) throw new CheckFailure(`port ${test.port} is not published: is it EXPOSEd?`);
  const url = `http://127.0.0.1:${port}${test.path}`;
  const deadline = Date.now() + 30_000;
  let last = "";
  while (Date.now() < deadline && !signal?.aborted) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: "manual" });
      const body = await response.text();
      if (response.status !== test.status)
        throw new CheckFailure(`GET ${test.path} answered ${response.status}, expected ${test.status}\n${tailOf(body)}`);
      for (const text of test.bodyIncludes)
        if (!body.includes(text)) throw new CheckFailure(`GET ${test.path}: the body lacks "${text}"\n${tailOf(body)}`);
      return;
    } catch (error) {
      if (error instanceof CheckFailure) throw error;
      // The server is still starting (connection refused or reset): try again.
      last = (error as Error).message;
      await sleep(500);
    }
  }
  throw new CheckFailure(`GET ${url} did not answer within 30 s: ${last}`);
}

async function checkHealth(test: Extract<ImageTest, { kind: "health" }>, { container, signal }: CheckContext): Promise<void> {
  const deadline = Date.now() + test.timeoutSeconds * 1000;
  for (;;) {
    const state = (await container.inspect()).State as { Health?: { Status: string; Log?: { Output: string; ExitCode: number }[] } };
    if (!state.Health) throw new CheckFailure("the image has no HEALTHCHECK");
    if (state.Health.Status === "healthy") return;
    const lastProbe = state.Health.Log?.at(-1);
    if (state.Health.Status === "unhealthy" || Date.now() > deadline || signal?.aborted) {
      throw new CheckFailure(
        `health is ${state.Health.Status} after ${test.timeoutSeconds} s; last probe exit ${lastProbe?.ExitCode ?? "-"}: ${tailOf(lastProbe?.Output ?? "")}`,
      );
    }
    await sleep(500);
  }
}

/** Z-state processes, read from /proc so no `ps` is needed in the image. */
const zombieScript = "sed -n 's/^[0-9]* (.*) \\([A-Z]\\) .*/\\1/p' /proc/[0-9]*/stat 2>/dev/null | grep -c Z || true";

async function checkZombies(test: Extract<ImageTest, { kind: "zombies" }>, { container }: CheckContext): Promise<void> {
  // Each subshell exits at once, orphaning its sleep to PID 1; when the sleeps end, only a
  // reaping PID 1 keeps them from staying zombies.
  await execInContainer(container, ["sh", "-c", "(sleep 0.3 &) ; (sleep 0.3 &) ; (sleep 0.3 &) ; exit 0"]);
  const deadline = Date.now() + test.withinSeconds * 1000;
  let zombies = "";
  await sleep(400);
  while (Date.now() <= deadline) {
    zombies = (await execInContainer(container, ["sh", "-c", zombieScript])).stdout.trim();
    if (zombies === "0") return;
    await sleep(250);
  }
  throw new CheckFailure(
    `${zombies} zombie process(es) still there ${test.withinSeconds} s after their parents exited: PID 1 does not reap`,
  );
}

async function checkStop(test: Extract<ImageTest, { kind: "stop" }>, context: CheckContext): Promise<void> {
  const container = await context.startAnother();
  await sleep(1000);
  const started = Date.now();
  await container.stop({ t: 10 });
  const seconds = (Date.now() - started) / 1000;
  const state = (await container.inspect()).State;
  if (state.ExitCode === 137)
    throw new CheckFailure(
      `docker stop needed SIGKILL after ${seconds.toFixed(1)} s (exit 137): the stop signal is ignored\n${tailOf(await containerLogs(container))}`,
    );
  if (seconds > test.maxSeconds) throw new CheckFailure(`docker stop took ${seconds.toFixed(1)} s, expected under ${test.maxSeconds} s`);
}

function tailOf(text: string, lines = 6): string {
  return text
    .trimEnd()
    .split("\n")
    .slice(-lines)
    .map((l) => `    ${l}`)
    .join("\n");
}
