import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

/** Docker's client configuration directory: $DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(): string {
  return process.env.DOCKER_CONFIG ?? path.join(homedir(), ".docker");
}

/**
 * The base64 user:password `docker login` stored for `host`, if any. Credential helpers
 * (credsStore, credHelpers) are not run: CI logins (docker/login-action) write `auths`.
 */
export function dockerConfigAuth(host: string): string | undefined {
  const file = path.join(dockerConfigDir(), "config.json");
  if (!existsSync(file)) return undefined;
  try {
    const config = JSON.parse(readFileSync(file, "utf8")) as { auths?: Record<string, { auth?: string }> };
    return config.auths?.[host]?.auth ?? config.auths?.[`https://${host}`]?.auth;
  } catch {
    return undefined;
  }
}
