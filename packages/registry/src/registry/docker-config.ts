import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { dockerConfigDir } from "@kiln/core";

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
