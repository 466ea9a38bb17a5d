import { PassThrough } from "node:stream";
import type Docker from "dockerode";

/**
 * Container operations for `kiln test`, on the engine seam (dockerode). Small and typed: each
 * function does one Engine API call or a fixed sequence of them.
 */
export interface ContainerSpec {
  image: string;
  platform: string;
  /** a label all of a run's containers carry, so a cleanup can find them */
  runLabel: string;
  /** container ports ("8080/tcp") to publish on 127.0.0.1, each on a free host port */
  ports: string[];
  env?: string[];
  cmd?: string[];
  entrypoint?: string[];
}

export async function createAndStart(docker: Docker, spec: ContainerSpec): Promise<Docker.Container> {
  const container = await docker.createContainer({
    // The platform travels in the query string (the engine's `platform` parameter).
    _query: { platform: spec.platform },
    Image: spec.image,
    // stdin held open keeps a shell CMD alive, as `docker run -di` does.
    OpenStdin: true,
    Labels: { "kiln.test": spec.runLabel },
    Env: spec.env,
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ExposedPorts: Object.fromEntries(spec.ports.map((port) => [port, {}])),
    HostConfig: {
      PortBindings: Object.fromEntries(spec.ports.map((port) => [port, [{ HostIp: "127.0.0.1", HostPort: "" }]])),
    },
  } as Docker.ContainerCreateOptions);
  await container.start();
  return container;
}

export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs argv in the container and collects its output and exit code. */
export async function execInContainer(container: Docker.Container, argv: string[], user?: string): Promise<ExecOutput> {
  const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, ...(user ? { User: user } : {}) });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk));
  stderr.on("data", (chunk: Buffer) => err.push(chunk));
  // dockerode types its modem as any; demuxStream splits the engine's multiplexed stdout/stderr stream.
  (container.modem as { demuxStream(stream: NodeJS.ReadableStream, stdout: PassThrough, stderr: PassThrough): void }).demuxStream(
    stream,
    stdout,
    stderr,
  );
  await new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", reject);
  });
  // The exit code is recorded a moment after the stream ends.
  let info = await exec.inspect();
  for (let i = 0; i < 50 && info.Running; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    info = await exec.inspect();
  }
  return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

/** The host port a published container port landed on. */
export async function publishedPort(container: Docker.Container, port: string): Promise<number | undefined> {
  const info = await container.inspect();
  const binding = info.NetworkSettings.Ports?.[port]?.[0];
  return binding?.HostPort ? Number(binding.HostPort) : undefined;
}

export async function containerLogs(container: Docker.Container): Promise<string> {
  const buffer = await container.logs({ stdout: true, stderr: true, follow: false });
  // Without a TTY each frame has an 8-byte header; strip them for a readable log.
  const lines: string[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    lines.push(buffer.subarray(offset + 8, offset + 8 + size).toString("utf8"));
    offset += 8 + size;
  }
  return lines.join("");
}

/** Removes every container a run created, running or not; never throws. */
export async function removeRunContainers(docker: Docker, runLabel: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`kiln.test=${runLabel}`] } }).catch(() => []);
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}
