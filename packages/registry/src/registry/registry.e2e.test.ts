import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { availableForE2e } from "../../../../e2e/engine.js";
import type { LoadedImage } from "@kiln/core";
import { planRelease } from "../release/release-plan.js";
import { withRetries } from "../release/publish.js";
import { flakyFront, startPrivateRegistry, type PrivateRegistry } from "../testing/private-registry.js";
import { copyByDigest } from "./copy.js";
import { repositoryLocation } from "./reference.js";
import { RegistryClient } from "./registry.js";

/**
 * The registry client against real registries (Debian's docker-registry on loopback ports of its
 * own): basic auth from htpasswd, bearer tokens the registry verifies, a registry that fails on
 * purpose, and planRelease over what a registry holds. The content is the machine's
 * 127.0.0.1:5000/library/debian:bookworm, copied by digest.
 */
const source = new RegistryClient(repositoryLocation("127.0.0.1:5000/library", "debian"));
const sourceUp = availableForE2e(
  await source.digest("bookworm").then(
    (digest) => digest !== undefined,
    () => false,
  ),
  "the loopback registry 127.0.0.1:5000 has no library/debian:bookworm",
);
const savedConfig = process.env.DOCKER_CONFIG;

function useLogin(registry: PrivateRegistry | undefined): void {
  if (registry) process.env.DOCKER_CONFIG = registry.dockerConfig;
  else if (savedConfig === undefined) delete process.env.DOCKER_CONFIG;
  else process.env.DOCKER_CONFIG = savedConfig;
}

describe.skipIf(!sourceUp).each(["htpasswd", "token"] as const)("a registry with %s auth", (auth) => {
  let registry: PrivateRegistry;
  beforeAll(async () => {
    registry = await startPrivateRegistry(auth);
  });
  afterAll(async () => {
    useLogin(undefined);
    await registry?.remove();
  });

  test("without a login: refused, with the fix", async () => {
    useLogin(undefined);
    const client = new RegistryClient(repositoryLocation(`${registry.host}/kiln`, "debian"));
    const error = await client.tags().then(
      () => undefined,
      (e: Error & { code?: string; hint?: string }) => e,
    );
    expect(error?.code).toBe("KILN_REGISTRY_DENIED");
    expect(error?.message).toContain("HTTP 401");
    expect(error?.hint).toContain(`docker login ${registry.host}`);
  });

  test("with the login in DOCKER_CONFIG: copy by digest moves no tag, then a tag PUT points at the digest", async () => {
    useLogin(registry);
    const digest = (await source.digest("bookworm")) as string;
    const client = new RegistryClient(repositoryLocation(`${registry.host}/kiln`, "debian"));
    await copyByDigest(source, client, digest);
    expect(await client.tags()).toEqual([]);
    const manifest = await client.manifest(digest);
    expect(manifest?.digest).toBe(digest);
    await client.putManifest("1.0.0", manifest as NonNullable<typeof manifest>);
    expect(await client.tags()).toEqual(["1.0.0"]);
    expect(await client.digest("1.0.0")).toBe(digest);
    if (auth === "token") {
      // The registry asked for push rights on the repository, and got a token it verified.
      // (distribution lists the two actions in either order)
      expect(registry.issuedScopes.some((scope) => /^repository:kiln\/debian:(pull,push|push,pull)$/.test(scope))).toBe(true);
    }
    // Two platform images of debian:bookworm go across: on a busy machine that takes a while.
  }, 180_000);

  test("planRelease: a version the registry has is tag-only, a new one is released with its tags", async () => {
    useLogin(registry);
    const image = (name: string, version: string) => ({ pkg: { name, version } }) as LoadedImage;
    const clientFor = (name: string) => new RegistryClient(repositoryLocation(`${registry.host}/kiln`, name));
    const steps = await planRelease([image("debian", "1.0.0"), image("debian", "1.1.0"), image("other", "0.1.0")], {
      revision: "89abcdef0123456789abcdef0123456789abcdef",
      gitTags: new Set(["other@0.1.0"]),
      client: clientFor,
    });
    expect(steps.map((s) => [s.version, s.action])).toEqual([
      ["1.0.0", "tag-only"],
      ["1.1.0", "release"],
      ["0.1.0", "skip"],
    ]);
    expect(steps[1]?.tags).toEqual(["1.1.0", "1.1", "1", "latest", "sha-89abcde"]);
  });
});

describe.skipIf(!sourceUp)("a registry that fails on purpose", () => {
  let registry: PrivateRegistry;
  beforeAll(async () => {
    registry = await startPrivateRegistry("none");
  });
  afterAll(async () => registry?.remove());

  test("transient 503s are retried with backoff until the registry answers", async () => {
    const front = await flakyFront(registry.host, 2);
    const log: string[] = [];
    const client = new RegistryClient(repositoryLocation(`${front.host}/kiln`, "debian"));
    expect(
      await withRetries(
        () => client.tags(),
        [10, 10, 10],
        (line) => log.push(line),
      ),
    ).toEqual([]);
    expect(front.failed()).toBe(2);
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/HTTP 503 UNAVAILABLE\); retrying in 0.01s$/);
    await front.close();
  });

  test("when the backoff runs out, the last error is the one reported", async () => {
    const front = await flakyFront(registry.host, 10);
    const client = new RegistryClient(repositoryLocation(`${front.host}/kiln`, "debian"));
    await expect(
      withRetries(
        () => client.tags(),
        [10, 10],
        () => undefined,
      ),
    ).rejects.toMatchObject({ code: "KILN_REGISTRY_ERROR" });
    expect(front.failed()).toBe(3);
    await front.close();
  });

  test("a refusal (4xx) is not retried", async () => {
    const client = new RegistryClient(repositoryLocation(`${registry.host}/kiln`, "debian"));
    let attempts = 0;
    const missing = `sha256:${"0".repeat(64)}`;
    await expect(
      withRetries(
        () => (attempts++, client.blob(missing)),
        [10, 10],
        () => undefined,
      ),
    ).rejects.toMatchObject({ code: "KILN_REGISTRY_REFUSED" });
    expect(attempts).toBe(1);
  });
});
