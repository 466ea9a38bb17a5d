import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const serverCli = fileURLToPath(new URL("../node_modules/turborepo-remote-cache/dist/cli.js", import.meta.url));

/**
 * @typedef {object} RemoteCacheServer
 * @property {Record<string, string>} env TURBO_API, TURBO_TOKEN and TURBO_TEAM for `turbo` runs that use it
 * @property {string} url
 * @property {string} storage the directory its artifacts are stored in
 * @property {() => Promise<void>} stop stops the server and deletes its storage
 * @property {() => void} stopNow the same without waiting for the server to exit (for exit handlers, which must be synchronous)
 */

/**
 * Starts the self-hosted Turborepo remote cache (the turborepo-remote-cache package, a root
 * devDependency) on a free loopback port (PORT=0; the port is read from its "listening" log line),
 * storing artifacts in a temporary directory of its own, with a token of its own. Used by the
 * remote-cache e2e and the bench: real Turborepo clients talk to it over HTTP as to any remote cache.
 * @returns {Promise<RemoteCacheServer>}
 */
export async function startRemoteCacheServer() {
  const storage = mkdtempSync(path.join(tmpdir(), "kiln-remote-cache-"));
  const token = randomBytes(16).toString("hex");
  const child = spawn(process.execPath, [serverCli], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: "0",
      STORAGE_PROVIDER: "local",
      STORAGE_PATH: storage,
      STORAGE_PATH_USE_TMP_FOLDER: "false",
      TURBO_TOKEN: token,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stopNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    rmSync(storage, { recursive: true, force: true });
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    stopNow();
  };
  let log = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`turborepo-remote-cache did not listen within 30 s:\n${log}`)), 30_000);
    const read = (chunk) => {
      log += String(chunk);
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`turborepo-remote-cache exited (${code}) before listening:\n${log}`));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  // Keep reading, so a full pipe never blocks the server.
  child.stdout.resume();
  child.stderr.resume();
  return { url, storage, env: { TURBO_API: url, TURBO_TOKEN: token, TURBO_TEAM: "kiln" }, stop, stopNow };
}
