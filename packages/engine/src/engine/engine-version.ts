import { engineEndpoint } from "./docker-context.js";

/** What GET /version answers, the fields kiln reads. */
export interface EngineVersion {
  Version: string;
  ApiVersion: string;
  Os: string;
  Arch: string;
}

/** Where the Engine API listens, when plain HTTP reaches it: a unix socket or a tcp address without TLS. */
export type PlainEngineAddress = { socketPath: string } | { host: string; port: number };

/**
 * The address of the engine the docker CLI uses (DOCKER_HOST, else the docker context; see
 * engineEndpoint), or undefined when only a full client reaches it: TLS (DOCKER_TLS_VERIFY,
 * DOCKER_CERT_PATH, a context's TLS files or port 2376), ssh:// and npipe://. Throws
 * DockerContextError for a context that is named but missing.
 */
export function plainEngineAddress(env: NodeJS.ProcessEnv = process.env): PlainEngineAddress | undefined {
  const endpoint = engineEndpoint(env);
  const host = endpoint.host;
  if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
  if (!host.startsWith("tcp://") || endpoint.tls || env.DOCKER_TLS_VERIFY || env.DOCKER_CERT_PATH) return undefined;
  const url = new URL(`http://${host.slice("tcp://".length)}`);
  const port = url.port === "" ? 2375 : Number(url.port);
  return port === 2376 ? undefined : { host: url.hostname, port };
}

/**
 * GET `apiPath` with node:http and its JSON answer: the engine calls every `kiln build` makes (the
 * probe, a parent's image ID), without loading a full Engine API client (dockerode and its ssh and
 * gRPC dependencies take longer to load than the whole answer). Rejects with the socket's error
 * code (ENOENT, ECONNREFUSED, EACCES), ETIMEDOUT, or an error with `statusCode` for an HTTP error.
 */
export async function requestEngineJson<T>(address: PlainEngineAddress, apiPath: string, timeoutMs: number): Promise<T> {
  const request = await httpRequest();
  return new Promise((resolve, reject) => {
    const req = request({ ...address, path: apiPath, method: "GET", timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        if (response.statusCode !== 200) {
          const error = new Error(`GET ${apiPath} answered ${response.statusCode}: ${body.trim().slice(0, 200)}`);
          reject(Object.assign(error, { statusCode: response.statusCode }));
          return;
        }
        try {
          resolve(JSON.parse(body) as T);
        } catch {
          reject(new Error(`GET ${apiPath} answered something other than JSON: ${body.slice(0, 80)}`));
        }
      });
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}

/**
 * A POST or DELETE to `apiPath` whose answer kiln does not read (tagging, untagging); rejects like
 * {@link requestEngineJson}, with `statusCode` when the engine answers with an error.
 */
export async function requestEngineChange(
  address: PlainEngineAddress,
  method: "POST" | "DELETE",
  apiPath: string,
  timeoutMs: number,
): Promise<void> {
  const request = await httpRequest();
  return new Promise((resolve, reject) => {
    const req = request({ ...address, path: apiPath, method, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve();
        const body = Buffer.concat(chunks).toString("utf8").trim().slice(0, 200);
        reject(Object.assign(new Error(`${method} ${apiPath} answered ${status}: ${body}`), { statusCode: status }));
      });
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}

/** GET /version: the engine probe. */
export function requestEngineVersion(address: PlainEngineAddress, timeoutMs: number): Promise<EngineVersion> {
  return requestEngineJson<EngineVersion>(address, "/version", timeoutMs);
}

/**
 * node:http when the first request is made: loading it (and the modules it pulls in) costs every
 * kiln start several milliseconds, and a dry run or a synth never asks the engine.
 */
async function httpRequest(): Promise<typeof import("node:http").request> {
  return (await import("node:http")).request;
}
