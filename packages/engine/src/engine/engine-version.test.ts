import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { plainEngineAddress, requestEngineJson, requestEngineVersion } from "./engine-version.js";

describe("plainEngineAddress", () => {
  // A docker configuration with no context chosen, so the machine's own (~/.docker) plays no part.
  const noContext = mkdtempSync(path.join(tmpdir(), "kiln-docker-config-"));
  afterAll(() => rmSync(noContext, { recursive: true, force: true }));
  test.each([
    [{}, { socketPath: "/var/run/docker.sock" }],
    [{ DOCKER_HOST: "" }, { socketPath: "/var/run/docker.sock" }],
    [{ DOCKER_HOST: "unix:///run/user/1000/docker.sock" }, { socketPath: "/run/user/1000/docker.sock" }],
    [{ DOCKER_HOST: "tcp://10.0.0.5:2375" }, { host: "10.0.0.5", port: 2375 }],
    [{ DOCKER_HOST: "tcp://docker" }, { host: "docker", port: 2375 }],
    [{ DOCKER_HOST: "tcp://10.0.0.5:2376" }, undefined],
    [{ DOCKER_HOST: "tcp://10.0.0.5:2375", DOCKER_TLS_VERIFY: "1" }, undefined],
    [{ DOCKER_HOST: "tcp://10.0.0.5:2375", DOCKER_CERT_PATH: "/certs" }, undefined],
    [{ DOCKER_HOST: "ssh://me@host" }, undefined],
    [{ DOCKER_HOST: "npipe:////./pipe/docker_engine" }, undefined],
  ])("%j → %j", (env, expected) => {
    expect(plainEngineAddress({ DOCKER_CONFIG: noContext, ...env })).toEqual(expected);
  });
});

describe("requestEngineVersion over a unix socket", () => {
  let dir: string;
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    dir = mkdtempSync(path.join(tmpdir(), "kiln-engine-"));
    const socketPath = path.join(dir, "docker.sock");
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(socketPath, resolve));
    return socketPath;
  }

  test("reads the engine's version from GET /version", async () => {
    const paths: string[] = [];
    const socketPath = await serve((req, res) => {
      paths.push(`${req.method} ${req.url}`);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ Version: "28.3.0", ApiVersion: "1.51", Os: "linux", Arch: "amd64", GoVersion: "go1.24" }));
    });
    await expect(requestEngineVersion({ socketPath }, 1000)).resolves.toMatchObject({
      Version: "28.3.0",
      ApiVersion: "1.51",
      Arch: "amd64",
    });
    expect(paths).toEqual(["GET /version"]);
  });

  test("an error status is an error naming it", async () => {
    const socketPath = await serve((_req, res) => {
      res.statusCode = 500;
      res.end("daemon is shutting down");
    });
    await expect(requestEngineVersion({ socketPath }, 1000)).rejects.toThrow("GET /version answered 500: daemon is shutting down");
  });

  test("an engine that does not answer in time fails with ETIMEDOUT", async () => {
    const socketPath = await serve(() => undefined);
    await expect(requestEngineVersion({ socketPath }, 100)).rejects.toMatchObject({ code: "ETIMEDOUT" });
  });

  test("any API path: the JSON answer, and an HTTP error carries its status", async () => {
    const socketPath = await serve((req, res) => {
      if (req.url === "/images/kiln.local%2Fbase%3A1.0/json") res.end(JSON.stringify({ Id: "sha256:abc" }));
      else {
        res.statusCode = 404;
        res.end('{"message":"No such image"}');
      }
    });
    await expect(requestEngineJson({ socketPath }, `/images/${encodeURIComponent("kiln.local/base:1.0")}/json`, 1000)).resolves.toEqual({
      Id: "sha256:abc",
    });
    await expect(requestEngineJson({ socketPath }, "/images/other/json", 1000)).rejects.toMatchObject({ statusCode: 404 });
  });

  test("a missing socket fails with ENOENT", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "kiln-engine-"));
    await expect(requestEngineVersion({ socketPath: path.join(dir, "none.sock") }, 1000)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
