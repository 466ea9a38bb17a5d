import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { createAndStart, removeRunContainers } from "../engine/containers.js";
import { engineClient } from "../engine/engine.js";
import type { Platform } from "@kiln/core";
import type { ImageTest } from "@kiln/core";
import { CheckFailure, checkPlatform, runCheck, type CheckContext } from "./checks.js";
import { summarize, type TestOutcome, type TestReport } from "./report.js";

export interface ImageUnderTest {
  name: string;
  /** the reference to run, e.g. kiln.local/debian-nginx:0.1.0 */
  reference: string;
  platforms: Platform[];
  tests: ImageTest[];
  /** container ports to publish ("8080/tcp") */
  ports: string[];
  /** environment of the test containers (the image's testEnv) */
  env?: Record<string, string>;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** called after each test, for live progress */
  onOutcome?: (outcome: TestOutcome) => void;
}

/**
 * Runs each image's tests on a container per platform: first that the platform is the one
 * asked for (`uname -m`), then `health` checks, then the other declared tests in order, `stop`
 * last (it stops a second container of its own). Containers carry a run label and are always removed.
 */
export async function runImageTests(images: ImageUnderTest[], options: RunOptions = {}): Promise<TestReport> {
  const docker = await engineClient();
  const runLabel = randomBytes(6).toString("hex");
  const started = Date.now();
  const outcomes: TestOutcome[] = [];
  const record = (outcome: TestOutcome) => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  const cleanup = () => void removeRunContainers(docker, runLabel);
  options.signal?.addEventListener("abort", cleanup, { once: true });
  try {
    for (const image of images) {
      for (const platform of image.platforms) {
        if (options.signal?.aborted) break;
        await testPlatform(docker, image, platform, runLabel, record, options.signal);
      }
    }
  } finally {
    options.signal?.removeEventListener("abort", cleanup);
    await removeRunContainers(docker, runLabel);
  }
  return summarize(outcomes, Date.now() - started);
}

async function testPlatform(
  docker: Docker,
  image: ImageUnderTest,
  platform: Platform,
  runLabel: string,
  record: (outcome: TestOutcome) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const env = Object.entries(image.env ?? {}).map(([key, value]) => `${key}=${value}`);
  const spec = { image: image.reference, platform, runLabel, ports: image.ports, env };
  const outcome = (name: string, kind: string, passed: boolean, since: number, detail?: string): TestOutcome => ({
    image: image.name,
    platform,
    name,
    kind,
    passed,
    durationMs: Date.now() - since,
    ...(detail ? { detail } : {}),
  });

  const startedAt = Date.now();
  let container: Docker.Container;
  try {
    container = await createAndStart(docker, spec);
  } catch (error) {
    record(outcome("container starts", "start", false, startedAt, startFailure(error, image, platform)));
    return;
  }
  const context: CheckContext = {
    docker,
    container,
    platform,
    signal,
    startAnother: (overrides) => createAndStart(docker, { ...spec, ...overrides }),
  };
  // Health first: an image that declares a HEALTHCHECK is ready when it is healthy, and the other
  // checks (a config its start script writes, a daemon's files) are only meaningful after that,
  // which matters under QEMU, where start-up takes seconds. Stop last: it ends a container.
  const ordered = [
    ...image.tests.filter((t) => t.kind === "health"),
    ...image.tests.filter((t) => t.kind !== "stop" && t.kind !== "health"),
    ...image.tests.filter((t) => t.kind === "stop"),
  ];
  const checks: { name: string; kind: string; run: () => Promise<void> }[] = [
    { name: `uname -m is the ${platform} machine`, kind: "platform", run: () => checkPlatform(context) },
    ...ordered.map((test) => ({ name: test.name, kind: test.kind, run: () => runCheck(test, context) })),
  ];
  for (const check of checks) {
    if (signal?.aborted) return;
    const since = Date.now();
    try {
      await check.run();
      record(outcome(check.name, check.kind, true, since));
    } catch (error) {
      const detail = error instanceof CheckFailure ? error.message : `error: ${(error as Error).message}`;
      record(outcome(check.name, check.kind, false, since, detail));
    }
  }
}

function startFailure(error: unknown, image: ImageUnderTest, platform: string): string {
  const message = (error as Error).message ?? String(error);
  if (/no such image|not found|does not match the specified platform|image with reference/i.test(message)) {
    return `${image.reference} is not in the local image store for ${platform}; build it first: pnpm turbo build --filter=${image.name}\n${message}`;
  }
  return message;
}
