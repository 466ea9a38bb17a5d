import { spawn, type ChildProcess } from "node:child_process";
import { createPrivateKey, randomUUID, sign } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import bcrypt from "bcryptjs";
import { execute } from "@kiln/core";

/**
 * A real registry (Debian's docker-registry, distribution 2.8) on its own loopback port, for
 * tests: open, with htpasswd (basic) auth, or with token auth, where a small token server issues
 * RS256 JWTs signed by a throw-away certificate the registry trusts (rootcertbundle), so the
 * registry itself verifies every token. `dockerConfig` is a DOCKER_CONFIG directory holding the
 * login, as `docker login` writes it.
 */
export interface PrivateRegistry {
  host: string;
  dockerConfig: string;
  user: string;
  password: string;
  /** tokens the token server issued, by requested scope */
  issuedScopes: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** stops the registry and removes its storage and configuration */
  remove(): Promise<void>;
}

export type RegistryAuth = "none" | "htpasswd" | "token";

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });

export async function startPrivateRegistry(auth: RegistryAuth): Promise<PrivateRegistry> {
  const dir = mkdtempSync(path.join(tmpdir(), "kiln-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const user = "kiln";
  const password = `pw-${randomUUID()}`;
  const issuedScopes: string[] = [];
  let tokenServer: Server | undefined;
  let authConfig = "";

  if (auth === "htpasswd") {
    writeFileSync(path.join(dir, "htpasswd"), `${user}:${bcrypt.hashSync(password, 10)}\n`);
    authConfig = `auth:\n  htpasswd:\n    realm: kiln-test\n    path: ${dir}/htpasswd\n`;
  }
  if (auth === "token") {
    const cert = await execute({
      command: "openssl",
      args: [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        `${dir}/token.key`,
        "-out",
        `${dir}/token.crt`,
        "-days",
        "1",
        "-subj",
        "/CN=kiln-test-token",
      ],
    });
    if (cert.exitCode !== 0) throw new Error(`openssl: ${cert.stderr}`);
    const key = createPrivateKey(readFileSync(`${dir}/token.key`));
    const der = readFileSync(`${dir}/token.crt`, "utf8").replace(/-----[^-]+-----|\s/g, "");
    tokenServer = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://token");
      const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString("utf8");
      if (basic !== `${user}:${password}`) {
        res.writeHead(401).end();
        return;
      }
      const scopes = url.searchParams.getAll("scope");
      issuedScopes.push(...scopes);
      const access = scopes.map((scope) => {
        const [type, name, actions] = scope.split(":");
        return { type, name, actions: (actions ?? "").split(",").filter(Boolean) };
      });
      const now = Math.floor(Date.now() / 1000);
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
      const head = encode({ typ: "JWT", alg: "RS256", x5c: [der] });
      const claims = encode({
        iss: "kiln-test-issuer",
        sub: user,
        aud: "kiln-test",
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      });
      const signature = sign("sha256", Buffer.from(`${head}.${claims}`), key).toString("base64url");
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ token: `${head}.${claims}.${signature}`, expires_in: 300 }));
    });
    await new Promise<void>((resolve) => tokenServer?.listen(0, "127.0.0.1", resolve));
    const tokenPort = (tokenServer.address() as AddressInfo).port;
    authConfig = `auth:\n  token:\n    realm: http://127.0.0.1:${tokenPort}/token\n    service: kiln-test\n    issuer: kiln-test-issuer\n    rootcertbundle: ${dir}/token.crt\n`;
  }

  const config = path.join(dir, "config.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n${authConfig}`,
  );
  const dockerConfig = path.join(dir, "docker");
  mkdirSync(dockerConfig);
  const auths = auth === "none" ? {} : { [host]: { auth: Buffer.from(`${user}:${password}`).toString("base64") } };
  writeFileSync(path.join(dockerConfig, "config.json"), JSON.stringify({ auths }));

  let server: ChildProcess | undefined;
  const registry: PrivateRegistry = {
    host,
    dockerConfig,
    user,
    password,
    issuedScopes,
    async start() {
      server = spawn("docker-registry", ["serve", config], { stdio: "ignore" });
      for (let i = 0; i < 100; i++) {
        // 401 is up too: an auth registry answers /v2/ only with credentials.
        if (
          await fetch(`http://${host}/v2/`).then(
            (r) => r.status === 200 || r.status === 401,
            () => false,
          )
        )
          return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`the registry on ${host} did not start`);
    },
    stop() {
      return new Promise<void>((resolve) => {
        // A process killed by a signal has signalCode set and exitCode null.
        if (!server || server.exitCode !== null || server.signalCode !== null) return resolve();
        server.once("exit", () => resolve());
        server.kill("SIGKILL");
      });
    },
    async remove() {
      await registry.stop();
      await new Promise<void>((resolve) => (tokenServer ? tokenServer.close(() => resolve()) : resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await registry.start();
  return registry;
}

/**
 * A registry that fails on purpose: in front of a real one, it answers 503 to the first
 * `failures` requests, then forwards everything. Retries are what gets it through.
 */
export async function flakyFront(
  target: string,
  failures: number,
): Promise<{ host: string; failed: () => number; close: () => Promise<void> }> {
  let failed = 0;
  const server = createServer((req, res) => {
    if (failed < failures) {
      failed++;
      res.writeHead(503, { "content-type": "application/json" }).end('{"errors":[{"code":"UNAVAILABLE"}]}');
      return;
    }
    const [hostname, port] = target.split(":");
    const upstream = httpRequest(
      { hostname, port: Number(port), path: req.url, method: req.method, headers: { ...req.headers, host: target } },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    failed: () => failed,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
