import { readFileSync } from "node:fs";
import type Docker from "dockerode";
import { ImageReferenceError, splitImageReference } from "@kiln/reference";
import { DockerContextError, engineEndpoint, type EngineEndpoint } from "./docker-context.js";
import { plainEngineAddress, requestEngineChange, requestEngineJson, requestEngineVersion } from "./engine-version.js";

/**
 * The one engine seam: every call to the Docker Engine API (health of the engine, images,
 * containers for `kiln test`) goes through this module. Builds do not: multi-platform builds need
 * buildx (see build/buildx.ts), which the Engine API cannot drive.
 *
 * The engine is the one the docker CLI and buildx use: DOCKER_HOST, else the docker context (see
 * engineEndpoint). The API version is not pinned: engines newer than the client refuse old pinned
 * versions.
 */
export async function engineClient(): Promise<Docker> {
  // dockerode (and its ssh/grpc dependencies) costs ~300 ms to load: only commands that talk to
  // the engine pay for it.
  const { default: DockerClient } = await import("dockerode");
  const endpoint = engineEndpoint();
  // dockerode reads DOCKER_HOST and its TLS variables itself; a docker context it knows nothing of.
  return endpoint.source === "DOCKER_HOST" ? new DockerClient() : new DockerClient(dockerodeOptions(endpoint));
}

/** dockerode's connection options for an endpoint a docker context (or the default) names. */
export function dockerodeOptions(endpoint: EngineEndpoint): Docker.DockerOptions {
  const { host, tls } = endpoint;
  if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
  if (host.startsWith("npipe://")) return { socketPath: host.slice("npipe://".length).replace(/\//g, "\\") };
  const url = new URL(host);
  const port = url.port === "" ? undefined : Number(url.port);
  if (url.protocol === "ssh:")
    return { protocol: "ssh", host: url.hostname, port: port ?? 22, ...(url.username ? { username: url.username } : {}) };
  const files = tls
    ? { ca: tls.ca && readFileSync(tls.ca), cert: tls.cert && readFileSync(tls.cert), key: tls.key && readFileSync(tls.key) }
    : {};
  return { protocol: tls ? "https" : "http", host: url.hostname, port: port ?? (tls ? 2376 : 2375), ...files };
}

export type EngineStatus =
  { reachable: true; version: string; apiVersion: string; os: string; arch: string } | { reachable: false; reason: string };

/**
 * Pings the engine with a short timeout; never throws. Plain HTTP where it reaches the engine (the
 * unix socket, tcp without TLS); dockerode only for TLS, ssh and named pipes.
 */
export async function probeEngine(timeoutMs = 3000): Promise<EngineStatus> {
  try {
    const address = plainEngineAddress();
    const version = address
      ? await requestEngineVersion(address, timeoutMs)
      : await withTimeout((await engineClient()).version(), timeoutMs);
    return { reachable: true, version: version.Version, apiVersion: version.ApiVersion, os: version.Os, arch: version.Arch };
  } catch (error) {
    return { reachable: false, reason: describeEngineError(error) };
  }
}

function describeEngineError(error: unknown): string {
  if (error instanceof DockerContextError) return `${error.message} (${error.hint})`;
  const code = (error as { code?: string }).code;
  const endpoint = engineEndpoint();
  const socket = endpoint.source === "DOCKER_HOST" ? endpoint.host : `${endpoint.host} (${endpoint.source})`;
  if (code === "ENOENT") return `no Docker engine socket at ${socket}`;
  if (code === "ECONNREFUSED") return `the Docker engine at ${socket} refused the connection (not running?)`;
  if (code === "EACCES") return `permission denied on ${socket} (add your user to the docker group, or use rootless Docker)`;
  if (code === "ETIMEDOUT") return `the Docker engine at ${socket} did not answer in time`;
  return `the Docker engine at ${socket} is unreachable: ${(error as Error).message ?? String(error)}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Whether the engine's image store has `reference` (any platform). */
export async function imageExists(reference: string): Promise<boolean> {
  const docker = await engineClient();
  return docker
    .getImage(reference)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

/**
 * What the engine's store has under `reference`: its ID (with the containerd store, the index
 * digest) and every `repository:tag` naming it.
 */
export interface LocalImage {
  id: string;
  tags: string[];
}

/** The image the engine's store has under `reference`, or undefined (no such image, or no engine). */
export async function localImage(reference: string): Promise<LocalImage | undefined> {
  const facts = (image: { Id: string; RepoTags?: string[] | null }): LocalImage => ({ id: image.Id, tags: image.RepoTags ?? [] });
  let address: ReturnType<typeof plainEngineAddress>;
  try {
    address = plainEngineAddress();
  } catch {
    return undefined; // a missing docker context: the probe says so
  }
  if (address) {
    // A child's build asks this of its parent: plain HTTP keeps dockerode off that path.
    return requestEngineJson<{ Id: string; RepoTags?: string[] | null }>(
      address,
      `/images/${encodeURIComponent(reference)}/json`,
      10_000,
    ).then(facts, () => undefined);
  }
  try {
    return facts(await (await engineClient()).getImage(reference).inspect());
  } catch {
    return undefined;
  }
}

/**
 * Tags the image `reference` names as `repository:tag` too, then removes the other tags of
 * `repository` that start with `stalePrefix` (an image left with no tag goes with its last one; a
 * tag whose image a container uses stays). kiln names a parent image by such a tag, unique to its
 * content, in a child's build context (see @kiln/core's localParentTags).
 */
export async function retagImage(reference: string, repository: string, tag: string, stalePrefix: string): Promise<void> {
  const address = plainEngineAddress();
  const query = new URLSearchParams({ repo: repository, tag }).toString();
  const filters = encodeURIComponent(JSON.stringify({ reference: [`${repository}:${stalePrefix}*`] }));
  if (address) {
    // Both at once (each is about 50 ms on dockerd 26 with the containerd store, on every child
    // build): the listing may or may not show the new tag, and staleTags never drops it anyway.
    const [, images] = await Promise.all([
      requestEngineChange(address, "POST", `/images/${encodeURIComponent(reference)}/tag?${query}`, 10_000),
      requestEngineJson<{ RepoTags?: string[] | null }[]>(address, `/images/json?filters=${filters}`, 10_000),
    ]);
    for (const stale of staleTags(images, repository, tag, stalePrefix))
      await requestEngineChange(address, "DELETE", `/images/${encodeURIComponent(stale)}`, 10_000).catch(() => undefined);
    return;
  }
  const docker = await engineClient();
  await docker.getImage(reference).tag({ repo: repository, tag });
  const images = await docker.listImages({ filters: { reference: [`${repository}:${stalePrefix}*`] } });
  for (const stale of staleTags(images, repository, tag, stalePrefix))
    await docker
      .getImage(stale)
      .remove()
      .catch(() => undefined);
}

function staleTags(images: { RepoTags?: string[] | null }[], repository: string, keep: string, prefix: string): string[] {
  return images
    .flatMap((image) => image.RepoTags ?? [])
    .filter((name) => name.startsWith(`${repository}:${prefix}`) && name !== `${repository}:${keep}`);
}

/**
 * Removes the tag `reference` (`repository:tag`) from the engine's image store, and only that tag:
 * the image stays under any other name it has (a user's own tag of the same image), and an image
 * left with no name goes, its layers staying where another image or the build cache shares them
 * (noprune). Never forced: a tag whose image a container uses stays, and the engine's refusal is
 * the error. "absent" when there was no such tag. A bare ID or a digest reference is refused here,
 * because the engine would delete every tag of the image it names.
 */
export async function untagImage(reference: string): Promise<"untagged" | "absent"> {
  const { name, tag, digest } = splitImageReference(reference);
  if (tag === undefined || digest !== undefined || name === "sha256")
    throw new ImageReferenceError(
      `image reference "${reference}": untagging needs repository:tag (an ID or a digest names the image, and its every tag would go)`,
      "pass the tag to remove, as repository:tag",
    );
  const address = plainEngineAddress();
  const absentOnNotFound = (error: unknown): "absent" => {
    if ((error as { statusCode?: number }).statusCode === 404) return "absent";
    throw error;
  };
  if (address) {
    return requestEngineChange(address, "DELETE", `/images/${encodeURIComponent(reference)}?noprune=true`, 10_000).then(
      () => "untagged" as const,
      absentOnNotFound,
    );
  }
  const docker = await engineClient();
  return docker
    .getImage(reference)
    .remove({ noprune: true })
    .then(() => "untagged" as const, absentOnNotFound);
}
