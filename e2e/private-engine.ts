import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execute } from "@kiln/core";

/** A dockerd of the test's own: its own data root, exec root, pid file, socket and containerd. */
export interface PrivateEngine {
  /** For DOCKER_HOST: `unix:///tmp/kiln-engine-…/docker.sock`. */
  host: string;
  directory: string;
  /** Stops the daemon and waits for it (and its containerd) to exit; the directory stays until remove(). */
  stop(): Promise<void>;
  /** stop(), then deletes everything the engine wrote. */
  remove(): Promise<void>;
}

/**
 * Starts a second Docker engine beside the machine's, for tests that need an engine to break
 * (stop it, point it at nothing) or a second store. The machine's engine, its containerd, its
 * networks and binfmt are never touched: this daemon has no bridge and writes no iptables rules
 * (containers use host networking), and its containerd runs under its own exec root.
 */
export async function startPrivateEngine(): Promise<PrivateEngine> {
  // Short: a unix socket path must fit in 108 bytes, and containerd puts its sockets under this.
  const directory = mkdtempSync("/tmp/kiln-engine-");
  const socket = path.join(directory, "docker.sock");
  const configFile = path.join(directory, "daemon.json");
  writeFileSync(configFile, `${JSON.stringify({ features: { "containerd-snapshotter": true } })}\n`);
  const log = openSync(path.join(directory, "dockerd.log"), "a");
  const daemon: ChildProcess = spawn(
    "dockerd",
    [
      "--config-file", configFile,
      "--data-root", path.join(directory, "data"),
      "--exec-root", path.join(directory, "exec"),
      "--pidfile", path.join(directory, "dockerd.pid"),
      "--host", `unix://${socket}`,
      "--bridge", "none",
      "--iptables=false",
      "--ip6tables=false",
    ],
    { stdio: ["ignore", log, log], detached: true },
  );
  const exited = new Promise<void>((resolve) => daemon.once("exit", () => resolve()));
  const host = `unix://${socket}`;
  const engine: PrivateEngine = {
    host,
    directory,
    async stop() {
      if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill("SIGTERM");
      await exited;
    },
    async remove() {
      await engine.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  for (let attempt = 0; attempt < 120; attempt++) {
    if (daemon.exitCode !== null) break;
    if (existsSync(socket)) {
      const info = await execute({ command: "docker", args: ["--host", host, "version", "--format", "{{.Server.Version}}"] });
      if (info.exitCode === 0) return engine;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const logTail = readFileSync(path.join(directory, "dockerd.log"), "utf8").slice(-2000);
  await engine.remove();
  throw new Error(`the private dockerd did not come up within 60 s:\n${logTail}`);
}
