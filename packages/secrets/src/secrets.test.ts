import { describe, expect, test } from "vitest";
import { detectSecret, isSecretName } from "./secrets.js";

describe("the secret detector", () => {
  test.each([
    ["DB_PASSWORD", "hunter2", "name"],
    ["SMTP_PASS", "x", "name"],
    ["GITHUB_TOKEN", "abc", "name"],
    ["APP_SECRET", "abc", "name"],
    ["STRIPE_KEY", "abc", "name"],
    ["GOOGLE_CREDENTIALS_JSON", "{}", "name"],
    ["SOME_SETTING", "AKIAABCDEFGHIJKLMNOP", "value"],
    ["CONFIG", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "value"],
    ["DATABASE_URL", "postgres://app:hunter2@db:5432/app", "value"],
    ["KEY_MATERIAL", "-----BEGIN OPENSSH PRIVATE KEY-----", "value"],
  ])("%s=%s is a secret by %s", (name, value, by) => {
    expect(detectSecret(name, value)?.by).toBe(by);
  });

  test.each([
    ["DB_PASSWORD", ""],
    ["DB_PASSWORD", "${DB_PASSWORD}"],
    ["API_TOKEN", "$TOKEN"],
    ["POSTGRES_PASSWORD_FILE", "/run/secrets/db"],
    ["DATABASE_URL", "postgres://db:5432/app"],
    ["PROXY", "http://user@proxy:3128"],
    ["GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D"],
    ["PUBLIC_KEY", "ssh-ed25519 AAAAC3Nz user@host"],
    ["KEYBOARD_LAYOUT", "us"],
    ["BYPASS_CACHE", "1"],
    ["LANG", "C.UTF-8"],
  ])("%s=%s is not", (name, value) => {
    expect(detectSecret(name, value)).toBeUndefined();
  });

  test("a name alone", () => {
    expect(isSecretName("REDIS_PASSWORD")).toBe(true);
    expect(isSecretName("REDIS_PASSWORD_FILE")).toBe(false);
    expect(isSecretName("REDIS_HOST")).toBe(false);
  });
});
