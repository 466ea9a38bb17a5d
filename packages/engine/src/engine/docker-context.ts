import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { dockerConfigDir, KilnError } from "@kiln/core";

/**
 * The engine the docker CLI (and so buildx) talks to, found the way the CLI finds it: DOCKER_HOST,
 * else the context DOCKER_CONTEXT names, else the config's `currentContext`, else the default
 * socket. kiln's own engine calls (the probe, a parent's lookup and tag, `kiln test`'s containers)
 * must reach the engine buildx builds into: after `docker context use remote`, asking the local
 * socket would check and tag images of another engine than the one that has them.
 */
export interface EngineEndpoint {
  /** `unix:///…`, `tcp://host:port`, `ssh://user@host`, `npipe://…` */
  host: string;
  /** where the host came from, for messages: `DOCKER_HOST`, `context NAME`, or `the default socket` */
  source: string;
  /** a context's TLS files (its `docker` endpoint), when it has them; its SkipTLSVerify is not read */
  tls?: { ca?: string; cert?: string; key?: string };
}

export const defaultEngineHost = "unix:///var/run/docker.sock";

/** A docker context that is named but missing or unreadable (bad input, exit 2): names the file; the hint says the fix. */
export class DockerContextError extends KilnError {
  readonly code = "KILN_DOCKER_CONTEXT";
  readonly exitCode = 2;
}

/** The docker CLI's engine for `env`; throws DockerContextError for a context that is named but missing or unreadable. */
export function engineEndpoint(env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  if (env.DOCKER_HOST) return { host: env.DOCKER_HOST, source: "DOCKER_HOST" };
  const configDir = dockerConfigDir(env);
  const name = env.DOCKER_CONTEXT || currentContext(configDir);
  if (!name || name === "default") return { host: defaultEngineHost, source: "the default socket" };
  // The CLI stores a context under the sha256 of its name (contexts/meta/<hex>/meta.json).
  const id = createHash("sha256").update(name).digest("hex");
  const metaFile = path.join(configDir, "contexts", "meta", id, "meta.json");
  const from = env.DOCKER_CONTEXT ? "DOCKER_CONTEXT" : path.join(configDir, "config.json");
  if (!existsSync(metaFile)) {
    throw new DockerContextError(
      `docker context "${name}" (from ${from}) does not exist: no ${metaFile}`,
      "create it (docker context create), pick another (docker context use default), or set DOCKER_HOST",
    );
  }
  const meta = readJson(metaFile) as { Endpoints?: { docker?: { Host?: string } } } | undefined;
  const docker = meta?.Endpoints?.docker;
  if (!docker?.Host) {
    throw new DockerContextError(
      `${metaFile}: docker context "${name}" has no Endpoints.docker.Host`,
      "recreate it with docker context create --docker host=…",
    );
  }
  const tlsDir = path.join(configDir, "contexts", "tls", id, "docker");
  const file = (name: string) => (existsSync(path.join(tlsDir, name)) ? path.join(tlsDir, name) : undefined);
  const tls = { ca: file("ca.pem"), cert: file("cert.pem"), key: file("key.pem") };
  const hasTls = Object.values(tls).some((found) => found !== undefined);
  return { host: docker.Host, source: `context ${name}`, ...(hasTls ? { tls } : {}) };
}

function currentContext(configDir: string): string | undefined {
  const configFile = path.join(configDir, "config.json");
  if (!existsSync(configFile)) return undefined;
  const config = readJson(configFile) as { currentContext?: string } | undefined;
  if (config === undefined) {
    throw new DockerContextError(`${configFile} is not valid JSON`, "fix the file, or point DOCKER_CONFIG at another directory");
  }
  return config.currentContext;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}
