import { request } from "node:http";

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
 * The engine's address from DOCKER_HOST (default: the unix socket), or undefined when only a full
 * client reaches it: TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH or port 2376), ssh:// and npipe://.
 */
export function plainEngineAddress(env: NodeJS.ProcessEnv = process.env): PlainEngineAddress | undefined {
  const host = env.DOCKER_HOST || "unix:///var/run/docker.sock";
  if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
  if (!host.startsWith("tcp://") || env.DOCKER_TLS_VERIFY || env.DOCKER_CERT_PATH) return undefined;
  const url = new URL(`http://${host.slice("tcp://".length)}`);
  const port = url.port === "" ? 2375 : Number(url.port);
  return port === 2376 ? undefined : { host: url.hostname, port };
}

/**
 * GET /version with node:http: the engine probe every `kiln build` makes, without loading a full
 * Engine API client (dockerode and its ssh and gRPC dependencies take longer to load than the
 * whole answer). Rejects with the socket's error code (ENOENT, ECONNREFUSED, EACCES) or ETIMEDOUT.
 */
export function requestEngineVersion(address: PlainEngineAddress, timeoutMs: number): Promise<EngineVersion> {
  return new Promise((resolve, reject) => {
    const req = request({ ...address, path: "/version", method: "GET", timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        if (response.statusCode !== 200) {
          reject(new Error(`GET /version answered ${response.statusCode}: ${body.trim().slice(0, 200)}`));
          return;
        }
        try {
          resolve(JSON.parse(body) as EngineVersion);
        } catch {
          reject(new Error(`GET /version answered something other than JSON: ${body.slice(0, 80)}`));
        }
      });
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}
