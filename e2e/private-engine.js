import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes, randomInt } from "node:crypto";

/**
 * A dockerd of the test's own: its own data root, exec root, pid file, socket and containerd.
 * @typedef {object} PrivateEngine
 * @property {string} host for DOCKER_HOST: `unix:///tmp/kiln-engine-…/docker.sock`
 * @property {string} directory
 * @property {string} gateway the address of its bridge on this machine: its containers reach this machine there
 * @property {() => Promise<void>} stop stops the daemon and waits for it (and its containerd) to exit; the directory stays until remove()
 * @property {() => Promise<void>} remove stop(), then deletes everything the engine wrote
 */

/**
 * Runs a command to completion (never throws; the exit code says how it went).
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<{ exitCode: number, stderr: string }>}
 */
function run(command, args) {
  return new Promise((resolve) => {
    execFile(command, args, (error, _stdout, stderr) => {
      const code = error ? error.code : 0;
      resolve({ exitCode: typeof code === "number" ? code : 1, stderr: String(stderr) });
    });
  });
}

/**
 * Starts a second Docker engine beside the machine's, for tests that need an engine to break
 * (stop it, point it at nothing) or a second store, and for the bench's second engine. The
 * machine's engine, its containerd, its networks and binfmt are never touched: its containerd
 * runs under its own exec root, and it writes no iptables rules (so its containers have no route
 * out; they reach this machine's own addresses only). Its bridge is one of its own, made here and
 * deleted on stop: not `--bridge none`, because a dockerd without a bridge deletes the interface
 * named docker0 at start, which is the machine's engine's own. Plain JavaScript, so that the
 * bench (no TypeScript) uses it too.
 * @returns {Promise<PrivateEngine>}
 */
export async function startPrivateEngine() {
  // Short: a unix socket path must fit in 108 bytes, and containerd puts its sockets under this.
  const directory = mkdtempSync("/tmp/kiln-engine-");
  const socket = path.join(directory, "docker.sock");
  const configFile = path.join(directory, "daemon.json");
  writeFileSync(configFile, `${JSON.stringify({ features: { "containerd-snapshotter": true } })}\n`);
  const log = openSync(path.join(directory, "dockerd.log"), "a");
  // 198.18.0.0/15 is reserved for benchmarks (RFC 2544): no real network of this machine uses it.
  const bridge = `kiln${randomBytes(4).toString("hex")}`;
  const gateway = `198.${18 + randomInt(2)}.${randomInt(256)}.1`;
  for (const args of [
    ["link", "add", bridge, "type", "bridge"],
    ["addr", "add", `${gateway}/24`, "dev", bridge],
  ]) {
    const result = await run("ip", args);
    if (result.exitCode !== 0) throw new Error(`ip ${args.join(" ")} failed: ${result.stderr}`);
  }
  const daemon = spawn(
    "dockerd",
    [
      "--config-file",
      configFile,
      "--data-root",
      path.join(directory, "data"),
      "--exec-root",
      path.join(directory, "exec"),
      "--pidfile",
      path.join(directory, "dockerd.pid"),
      "--host",
      `unix://${socket}`,
      "--bridge",
      bridge,
      "--iptables=false",
      "--ip6tables=false",
      "--ip-forward=false",
    ],
    { stdio: ["ignore", log, log], detached: true },
  );
  const exited = new Promise((resolve) => daemon.once("exit", () => resolve(undefined)));
  const host = `unix://${socket}`;
  /** @type {PrivateEngine} */
  const engine = {
    host,
    directory,
    gateway,
    async stop() {
      if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill("SIGTERM");
      await exited;
      await run("ip", ["link", "del", bridge]);
    },
    async remove() {
      await engine.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  for (let attempt = 0; attempt < 120; attempt++) {
    if (daemon.exitCode !== null) break;
    if (existsSync(socket)) {
      const info = await run("docker", ["--host", host, "version", "--format", "{{.Server.Version}}"]);
      if (info.exitCode === 0) return engine;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const logTail = readFileSync(path.join(directory, "dockerd.log"), "utf8").slice(-2000);
  await engine.remove();
  throw new Error(`the private dockerd did not come up within 60 s:\n${logTail}`);
}
