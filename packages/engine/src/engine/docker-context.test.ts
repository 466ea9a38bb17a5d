import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DockerContextError, defaultEngineHost, engineEndpoint } from "./docker-context.js";
import { dockerodeOptions } from "./engine.js";
import { plainEngineAddress } from "./engine-version.js";

/**
 * The contexts are made by the real docker CLI in a configuration directory of the test's own
 * (`docker --config`), so the files read here are the ones the CLI writes, and the machine's own
 * configuration is never touched.
 */
let config: string;
const docker = (...args: string[]) => execFileSync("docker", ["--config", config, ...args], { stdio: "pipe" });
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ DOCKER_CONFIG: config, ...extra });

beforeAll(() => {
  config = mkdtempSync(path.join(tmpdir(), "kiln-docker-config-"));
  docker("context", "create", "remote", "--docker", "host=unix:///run/kiln-remote/docker.sock");
  docker("context", "create", "plain-tcp", "--docker", "host=tcp://10.0.0.7:2375");
  docker("context", "create", "over-ssh", "--docker", "host=ssh://builder@build.example:2222");
  // TLS material the CLI copies into the context: a key and a self-signed certificate.
  const key = path.join(config, "key.pem");
  const cert = path.join(config, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=kiln", "-days", "1"],
    {
      stdio: "pipe",
    },
  );
  docker("context", "create", "with-tls", "--docker", `host=tcp://10.0.0.8:2376,ca=${cert},cert=${cert},key=${key}`);
});
afterAll(() => rmSync(config, { recursive: true, force: true }));

describe("engineEndpoint: the engine the docker CLI uses", () => {
  test("no context chosen: the default socket", () => {
    expect(engineEndpoint(env())).toEqual({ host: defaultEngineHost, source: "the default socket" });
  });

  test("the context docker context use chose (config.json's currentContext)", () => {
    docker("context", "use", "remote");
    try {
      expect(engineEndpoint(env())).toEqual({ host: "unix:///run/kiln-remote/docker.sock", source: "context remote" });
      expect(plainEngineAddress(env())).toEqual({ socketPath: "/run/kiln-remote/docker.sock" });
    } finally {
      docker("context", "use", "default");
    }
  });

  test("DOCKER_CONTEXT over the configuration, DOCKER_HOST over both", () => {
    docker("context", "use", "remote");
    try {
      expect(engineEndpoint(env({ DOCKER_CONTEXT: "plain-tcp" })).host).toBe("tcp://10.0.0.7:2375");
      expect(plainEngineAddress(env({ DOCKER_CONTEXT: "plain-tcp" }))).toEqual({ host: "10.0.0.7", port: 2375 });
      expect(engineEndpoint(env({ DOCKER_CONTEXT: "plain-tcp", DOCKER_HOST: "unix:///tmp/other.sock" }))).toEqual({
        host: "unix:///tmp/other.sock",
        source: "DOCKER_HOST",
      });
      expect(engineEndpoint(env({ DOCKER_CONTEXT: "default" })).host).toBe(defaultEngineHost);
    } finally {
      docker("context", "use", "default");
    }
  });

  test("a context with TLS files: no plain HTTP, and dockerode gets https with the files' contents", () => {
    const endpoint = engineEndpoint(env({ DOCKER_CONTEXT: "with-tls" }));
    expect(endpoint.host).toBe("tcp://10.0.0.8:2376");
    expect(endpoint.tls?.cert).toMatch(/contexts\/tls\/[0-9a-f]{64}\/docker\/cert\.pem$/);
    expect(plainEngineAddress(env({ DOCKER_CONTEXT: "with-tls" }))).toBeUndefined();
    const options = dockerodeOptions(endpoint);
    expect(options).toMatchObject({ protocol: "https", host: "10.0.0.8", port: 2376 });
    expect(String(options.cert)).toBe(readFileSync(path.join(config, "cert.pem"), "utf8"));
  });

  test("ssh: no plain HTTP; dockerode's ssh transport with the user and port", () => {
    const endpoint = engineEndpoint(env({ DOCKER_CONTEXT: "over-ssh" }));
    expect(plainEngineAddress(env({ DOCKER_CONTEXT: "over-ssh" }))).toBeUndefined();
    expect(dockerodeOptions(endpoint)).toEqual({ protocol: "ssh", host: "build.example", port: 2222, username: "builder" });
  });

  test("a context that does not exist is an error naming it, where it was named, and the fix", () => {
    let error: unknown;
    try {
      engineEndpoint(env({ DOCKER_CONTEXT: "gone" }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DockerContextError);
    expect((error as Error).message).toMatch(/docker context "gone" \(from DOCKER_CONTEXT\) does not exist/);
    expect((error as DockerContextError).hint).toMatch(/docker context use default/);
  });

  test("a config.json that is not JSON is an error naming the file", () => {
    const broken = mkdtempSync(path.join(tmpdir(), "kiln-docker-config-"));
    try {
      writeFileSync(path.join(broken, "config.json"), "{ not json");
      expect(() => engineEndpoint({ DOCKER_CONFIG: broken })).toThrow(`${path.join(broken, "config.json")} is not valid JSON`);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
