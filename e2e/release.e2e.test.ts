import { spawn } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { copyByDigest, RegistryClient, repositoryLocation } from "@kiln/registry";
import { startPrivateRegistry, type PrivateRegistry } from "../packages/registry/src/testing/private-registry.js";
import { debianBaseMirror, engineForE2e } from "./engine.js";
import { cloneRepository, repositoryRoot } from "./kiln.js";

/**
 * Issues 5 and 14, in a clone of the repository, against a registry of our own that requires a
 * login (htpasswd; the login in DOCKER_CONFIG, as `docker login` writes it): a changeset bumps
 * debian-nginx, and `kiln release` pushes it by digest, attaches an SPDX and a CycloneDX SBOM per
 * platform and signs it with cosign before any tag moves. The real cosign verifies what was pushed, and
 * `kiln verify` passes until a tag is moved by hand. A registry that dies half-way leaves every
 * tag where it was; the next run completes; moving a released version needs --force.
 */
const engine = await engineForE2e();
let clone = "";
let keys = "";
let registry: PrivateRegistry;
const cosignPassword = `cosign-${Date.now()}`;
const env = () => ({
  KILN_MIRROR: debianBaseMirror,
  DOCKER_CONFIG: registry.dockerConfig,
  KILN_SIGNING_KEY: path.join(keys, "cosign.key"),
  COSIGN_PASSWORD: cosignPassword,
  GIT_AUTHOR_NAME: "e2e",
  GIT_AUTHOR_EMAIL: "e2e@localhost",
  GIT_COMMITTER_NAME: "e2e",
  GIT_COMMITTER_EMAIL: "e2e@localhost",
});

const run = (command: string, args: string[]) => execute({ command, args }, { cwd: clone, env: env() });
const kilnBin = () => path.join(clone, "packages/cli/bin/kiln.js");
const kiln = (args: string[]) => run(process.execPath, [kilnBin(), ...args]);
const client = (image: string) => new RegistryClient(repositoryLocation(target(), image));
const target = () => `${registry.host}/kiln`;
/** Release tags only: cosign's signatures and attestations live beside them as sha256-….sig / .att. */
const tagsOf = async (image: string) => (await withLogin(() => client(image).tags())).filter((tag) => !tag.startsWith("sha256-"));
/** Every release tag of an image and the digest it points at. */
const tagDigests = async (image: string) =>
  Object.fromEntries(await Promise.all((await tagsOf(image)).map(async (tag) => [tag, await withLogin(() => client(image).digest(tag))])));
const cosign = (args: string[]) => run("cosign", [...args, "--allow-http-registry"]);

async function withLogin<T>(operation: () => Promise<T>): Promise<T> {
  const saved = process.env.DOCKER_CONFIG;
  process.env.DOCKER_CONFIG = registry.dockerConfig;
  try {
    return await operation();
  } finally {
    if (saved === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = saved;
  }
}

async function changeset(bumps: Record<string, "patch" | "minor" | "major">, summary: string): Promise<void> {
  const front = Object.entries(bumps)
    .map(([name, type]) => `"${name}": ${type}`)
    .join("\n");
  writeFileSync(path.join(clone, `.changeset/e2e-${Date.now()}.md`), `---\n${front}\n---\n\n${summary}\n`);
  const version = await run("pnpm", ["changeset", "version"]);
  expect(version.exitCode, version.stderr).toBe(0);
  const commit = await run("git", ["commit", "-qam", `release: ${summary}`]);
  expect(commit.exitCode, commit.stderr).toBe(0);
}

interface SpdxDocument {
  packages: { SPDXID: string; name: string; versionInfo: string; externalRefs: { referenceLocator: string }[] }[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}
interface CycloneDxBom {
  components: { name: string; version: string; scope: string; purl: string }[];
}

/** The SBOM cosign verified for one platform manifest: the SPDX document or the CycloneDX BOM. */
async function attestedSbom(reference: string): Promise<SpdxDocument>;
async function attestedSbom(reference: string, type: "cyclonedx"): Promise<CycloneDxBom>;
async function attestedSbom(reference: string, type = "spdxjson"): Promise<SpdxDocument | CycloneDxBom> {
  const verified = await cosign([
    "verify-attestation",
    "--key",
    path.join(keys, "cosign.pub"),
    "--type",
    type,
    "--insecure-ignore-tlog=true",
    reference,
  ]);
  expect(verified.exitCode, verified.stderr).toBe(0);
  const envelope = JSON.parse(verified.stdout.trim().split("\n")[0] as string) as { payload: string };
  return (JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8")) as { predicate: SpdxDocument | CycloneDxBom }).predicate;
}

/** The platform manifests of an index in the registry (not its attestation manifests). */
async function platformDigests(
  repository: string,
  digest: string,
): Promise<{ digest: string; platform: { os: string; architecture: string } }[]> {
  const index = JSON.parse((await run("docker", ["buildx", "imagetools", "inspect", `${repository}@${digest}`, "--raw"])).stdout) as {
    manifests: { digest: string; platform: { os: string; architecture: string } }[];
  };
  return index.manifests.filter((m) => m.platform.os !== "unknown");
}

describe.skipIf(!engine.available)("releasing images to a registry that requires a login", () => {
  let releasedDigest = "";

  beforeAll(async () => {
    registry = await startPrivateRegistry("htpasswd");
    keys = mkdtempSync(path.join(tmpdir(), "kiln-cosign-"));
    const generated = await execute(
      { command: "cosign", args: ["generate-key-pair"] },
      { cwd: keys, env: { COSIGN_PASSWORD: cosignPassword } },
    );
    expect(generated.exitCode, generated.stderr).toBe(0);
    clone = await cloneRepository();
    // Only the nginx family, and debian-node for the SBOM of kiln's own Node tooling: a patch to
    // debian-base bumps every image built on it, and the other Debian images (ssh, init, dev) and
    // the apps built on them (catalog) would make this test about their build times.
    for (const name of readdirSync(path.join(clone, "images"))) {
      if (name.startsWith("debian-") && !["debian-base", "debian-nginx", "debian-node"].includes(name))
        rmSync(path.join(clone, "images", name), { recursive: true });
    }
    rmSync(path.join(clone, "apps"), { recursive: true, force: true });
    const focused = await run("git", ["commit", "-qam", "e2e: only the nginx family"]);
    expect(focused.exitCode, focused.stderr).toBe(0);
    // The parent is already in the registry, as after an earlier release.
    const parent = await kiln(["build", "debian-base", "--push", "--registry", target()]);
    expect(parent.exitCode, parent.stderr.slice(-2000)).toBe(0);
    const baseline = await kiln(["release", "--baseline"]);
    expect(baseline.exitCode, baseline.stderr).toBe(0);
    await changeset({ "debian-nginx": "major" }, "debian-nginx serves its own page");
  }, 30 * 60_000);
  afterAll(async () => {
    if (clone) rmSync(clone, { recursive: true, force: true });
    if (keys) rmSync(keys, { recursive: true, force: true });
    await registry?.remove();
  });

  test("--dry-run shows the plan: debian-nginx with its tags and the build it runs, the rest skipped with the reason", async () => {
    const result = await kiln(["release", "--registry", target(), "--dry-run", "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      images: { image: string; result: string; tags: string[]; reason: string; command?: { args: string[] } }[];
    };
    const nginx = plan.images.find((i) => i.image === "debian-nginx");
    expect(nginx).toMatchObject({ result: "planned", tags: ["1.0.0", "1.0", "1", "latest", expect.stringMatching(/^sha-[0-9a-f]{7}$/)] });
    expect(nginx?.command?.args).toContain(
      `type=image,name=${target()}/kiln-staging/debian-nginx:1.0.0-${nginx?.tags[4]?.slice(4)},push=true,compression=gzip,force-compression=true`,
    );
    expect(plan.images.find((i) => i.image === "debian-base")).toMatchObject({
      result: "skipped",
      reason: "debian-base@0.1.0 was released before (git tag)",
    });
  });

  test(
    "kiln release pushes by digest, signs, attests, then tags X.Y.Z, X.Y, X, latest and sha- for debian-nginx only; the login is never printed",
    async () => {
      const baseTagsBefore = await tagDigests("debian-base");
      const started = Date.now();
      const result = await kiln(["release", "--registry", target()]);
      expect(result.exitCode, result.stderr.slice(-3000)).toBe(0);
      process.stderr.write(`kiln e2e: release of debian-nginx with SBOM and signature: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      expect(result.stderr).toContain("by digest");
      for (const line of result.stderr.match(/SBOM linux\/\w+: .*/g) ?? []) process.stderr.write(`kiln e2e: debian-nginx ${line}\n`);
      for (const secret of [registry.password, Buffer.from(`${registry.user}:${registry.password}`).toString("base64"), cosignPassword]) {
        expect(result.stdout + result.stderr).not.toContain(secret);
      }
      const revision = (await run("git", ["rev-parse", "HEAD"])).stdout.trim();
      expect(await tagsOf("debian-nginx")).toEqual(["1", "1.0", "1.0.0", "latest", `sha-${revision.slice(0, 7)}`].sort());
      expect(await tagDigests("debian-base")).toEqual(baseTagsBefore);
      expect(await withLogin(() => client("kiln-staging/debian-nginx").tags())).toEqual([`1.0.0-${revision.slice(0, 7)}`]);
      releasedDigest = (await withLogin(() => client("debian-nginx").digest("1.0.0"))) as string;
      for (const tag of await tagsOf("debian-nginx"))
        expect(await withLogin(() => client("debian-nginx").digest(tag))).toBe(releasedDigest);
      expect((await run("git", ["tag", "--list", "debian-nginx@*"])).stdout.trim().split("\n")).toEqual([
        "debian-nginx@0.1.0",
        "debian-nginx@1.0.0",
      ]);
      const summary = JSON.parse(readFileSync(path.join(clone, "dist/release.json"), "utf8"));
      expect(summary.images.find((i: { image: string }) => i.image === "debian-nginx")).toMatchObject({
        result: "pushed",
        signed: true,
        digest: releasedDigest,
      });
      // The child is built FROM a parent whose labels name this commit, so BuildKit's cache from
      // other builds does not apply: on a busy 2-core machine the arm64 half takes long under QEMU.
    },
    40 * 60_000,
  );

  test("labels and index annotations: version, revision, created, and the parent as pushed (reference and digest)", async () => {
    const ref = `${target()}/debian-nginx:1.0.0`;
    const revision = (await run("git", ["rev-parse", "HEAD"])).stdout.trim();
    const committed = Number((await run("git", ["log", "-1", "--format=%ct"])).stdout.trim());
    const parentDigest = await withLogin(() => client("debian-base").digest("0.1.0"));
    const expected = {
      "org.opencontainers.image.version": "1.0.0",
      "org.opencontainers.image.revision": revision,
      "org.opencontainers.image.created": new Date(committed * 1000).toISOString().replace(".000Z", "Z"),
      "org.opencontainers.image.base.name": `${target()}/debian-base:0.1.0`,
      "org.opencontainers.image.base.digest": parentDigest,
    };
    const configs = JSON.parse(
      (await run("docker", ["buildx", "imagetools", "inspect", ref, "--format", "{{json .Image}}"])).stdout,
    ) as Record<string, { config: { Labels: Record<string, string> } }>;
    for (const platform of ["linux/amd64", "linux/arm64"]) expect(configs[platform]?.config.Labels).toMatchObject(expected);
    const index = JSON.parse((await run("docker", ["buildx", "imagetools", "inspect", ref, "--raw"])).stdout) as {
      annotations?: Record<string, string>;
    };
    expect(index.annotations).toMatchObject(expected);
  });

  test("the real cosign verifies the index and each platform with the public key; each platform's SBOMs list nginx with its Debian version", async () => {
    const repository = `${target()}/debian-nginx`;
    const platforms = await platformDigests(repository, releasedDigest);
    expect(platforms.map((m) => m.platform.architecture).sort()).toEqual(["amd64", "arm64"]);
    for (const digest of [releasedDigest, ...platforms.map((m) => m.digest)]) {
      const verified = await cosign([
        "verify",
        "--key",
        path.join(keys, "cosign.pub"),
        "--insecure-ignore-tlog=true",
        `${repository}@${digest}`,
      ]);
      expect(verified.exitCode, verified.stderr).toBe(0);
      expect(verified.stdout).toContain(digest);
    }
    for (const manifest of platforms) {
      const sbom = await attestedSbom(`${repository}@${manifest.digest}`);
      const nginx = sbom.packages.find((p) => p.name === "nginx");
      const arch = manifest.platform.architecture;
      expect(nginx?.versionInfo, arch).toMatch(/^1\.22\.\d+-\d+(\+deb12u\d+)?$/);
      expect(nginx?.externalRefs[0]?.referenceLocator).toBe(`pkg:deb/debian/nginx@${nginx?.versionInfo}?arch=${arch}&distro=debian-12`);
      expect(sbom.packages.find((p) => p.name === "libc6")?.versionInfo).toMatch(/^2\.36-/);
      const bom = await attestedSbom(`${repository}@${manifest.digest}`, "cyclonedx");
      expect(bom.components.find((c) => c.name === "nginx")).toMatchObject({ version: nginx?.versionInfo, scope: "required" });
      expect(bom.components).toHaveLength(sbom.packages.length - 1); // SPDX lists the image itself as a package
    }
  });

  test("kiln verify passes; after 1.0.0 is moved to another digest by hand, it fails naming the tag and the digest", async () => {
    const key = ["--key", path.join(keys, "cosign.pub")];
    const passed = await kiln(["verify", "debian-nginx@1.0.0", "--registry", target(), ...key]);
    expect(passed.exitCode, passed.stderr.slice(-3000)).toBe(0);
    expect(passed.stderr).toContain("signed, an SBOM per platform, labels for 1.0.0");

    // Someone points 1.0.0 at another image (debian-base's, copied into the repository).
    const other = (await withLogin(() => client("debian-base").digest("0.1.0"))) as string;
    await withLogin(async () => {
      await copyByDigest(client("debian-base"), client("debian-nginx"), other);
      await client("debian-nginx").putManifest(
        "1.0.0",
        (await client("debian-nginx").manifest(other)) as NonNullable<Awaited<ReturnType<RegistryClient["manifest"]>>>,
      );
    });
    const failed = await kiln(["verify", "debian-nginx@1.0.0", "--registry", target(), ...key]);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain(`${target()}/debian-nginx:1.0.0 failed verification`);
    expect(failed.stderr).toMatch(new RegExp(`signature: .*debian-nginx:1\\.0\\.0 \\(${other}\\) index ${other} is not signed`));
    expect(failed.stderr).toContain("is titled debian-base, not debian-nginx");

    await withLogin(async () =>
      client("debian-nginx").putManifest(
        "1.0.0",
        (await client("debian-nginx").manifest(releasedDigest)) as NonNullable<Awaited<ReturnType<RegistryClient["manifest"]>>>,
      ),
    );
    expect((await kiln(["verify", "debian-nginx@1.0.0", "--registry", target(), ...key])).exitCode).toBe(0);
  });

  test("running kiln release again pushes nothing and says so", async () => {
    const result = await kiln(["release", "--registry", target()]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("nothing to release");
  });

  test("a parent missing from the target registry is named before any build, with the fix", async () => {
    const elsewhere = `${registry.host}/empty`;
    const result = await kiln(["build", "debian-nginx", "--push", "--registry", elsewhere]);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain(`debian-nginx is built FROM debian-base 0.1.0, which is not in ${elsewhere}`);
    expect(result.stderr).toContain(`kiln build debian-base --push --registry ${elsewhere}`);
    expect(result.stderr).not.toContain("#1 "); // no BuildKit step ran
  });

  describe("a registry that stops half-way through a push", () => {
    beforeAll(async () => {
      await changeset({ "debian-nginx": "patch" }, "nginx: a patch release");
    });

    test("fails naming what was not pushed, and every tag's digest is as it was", async () => {
      const before = await tagDigests("debian-nginx");
      const child = spawn(process.execPath, [kilnBin(), "release", "--registry", target()], {
        cwd: clone,
        env: { ...process.env, ...env() },
      });
      let stderr = "";
      let stopped = false;
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        // BuildKit has started exporting the image: the push is under way.
        if (!stopped && /exporting (to image|layers)/.test(stderr)) {
          stopped = true;
          void registry.stop();
        }
      });
      const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? -1)));
      expect(stopped, stderr.slice(-3000)).toBe(true);
      expect(code, stderr.slice(-3000)).toBe(4);
      expect(stderr).toContain("release incomplete: pushed nothing; not pushed debian-nginx@1.0.1");
      await registry.start();
      expect(await tagDigests("debian-nginx")).toEqual(before);
    });

    test("with the registry back, the next run completes and moves 1, 1.0 and latest to the new digest", async () => {
      const result = await kiln(["release", "--registry", target()]);
      expect(result.exitCode, result.stderr.slice(-3000)).toBe(0);
      const digest = await withLogin(() => client("debian-nginx").digest("1.0.1"));
      expect(digest).toMatch(/^sha256:/);
      for (const tag of ["1", "1.0", "latest"]) expect(await withLogin(() => client("debian-nginx").digest(tag))).toBe(digest);
      expect(await withLogin(() => client("debian-nginx").digest("1.0.0"))).toBe(releasedDigest);
    });

    test("pushing a different build under a released version is refused and moves nothing; --force moves it and says so", async () => {
      const page = path.join(clone, "images/debian-nginx/files/index.html");
      appendFileSync(page, "<!-- a different build -->\n");
      const before = await tagDigests("debian-nginx");
      const refused = await kiln(["build", "debian-nginx", "--push", "--registry", target()]);
      expect(refused.exitCode).toBe(4);
      expect(refused.stderr).toMatch(
        /tag 1\.0\.1 already points at sha256:[0-9a-f]{64}, and this build is sha256:[0-9a-f]{64}; refusing to overwrite a released version/,
      );
      expect(await tagDigests("debian-nginx")).toEqual(before);
      const forced = await kiln(["build", "debian-nginx", "--push", "--registry", target(), "--force"]);
      expect(forced.exitCode, forced.stderr.slice(-2000)).toBe(0);
      expect(forced.stderr).toMatch(/moved 1\.0\.1 from sha256:[0-9a-f]{64} to sha256:[0-9a-f]{64} \(--force\)/);
    });
  });

  describe("SBOMs of kiln's Node tooling and of an app's build stage (linux/amd64 only, to keep QEMU out)", () => {
    test(
      "kiln's own Node tooling: debian-node pushed (amd64) has SBOMs listing nodejs from dpkg, pnpm where node() unpacked it and the packages pnpm bundles",
      async () => {
        const started = Date.now();
        const pushed = await kiln(["build", "debian-node", "--push", "--registry", target(), "--platform", "linux/amd64"]);
        expect(pushed.exitCode, pushed.stderr.slice(-3000)).toBe(0);
        process.stderr.write(
          `kiln e2e: build --push of debian-node (amd64) with SBOMs and signature: ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
        expect(pushed.stderr).toMatch(
          /SBOM linux\/amd64: \d+ packages in the image, 0 used to build it \(SPDX \d+ KiB, CycloneDX \d+ KiB\), attested/,
        );
        process.stderr.write(`kiln e2e: debian-node ${/SBOM linux\/amd64: .*/.exec(pushed.stderr)?.[0]}\n`);
        const repository = `${target()}/debian-node`;
        const digest = (await withLogin(() => client("debian-node").digest("0.1.0"))) as string;
        const [amd64] = await platformDigests(repository, digest);
        const sbom = await attestedSbom(`${repository}@${amd64?.digest}`);
        const find = (name: string) => sbom.packages.find((p) => p.name === name);
        expect(find("nodejs")?.externalRefs[0]?.referenceLocator).toMatch(
          /^pkg:deb\/debian\/nodejs@18\.[^?]+\?arch=amd64&distro=debian-12$/,
        );
        expect(find("pnpm")).toMatchObject({ versionInfo: "10.34.8", externalRefs: [{ referenceLocator: "pkg:npm/pnpm@10.34.8" }] });
        // pnpm ships node-gyp and its dependencies in its tarball: they are in the image too.
        expect(find("node-gyp")?.externalRefs[0]?.referenceLocator).toMatch(/^pkg:npm\/node-gyp@\d+\./);
        const contained = new Set(sbom.relationships.filter((r) => r.relationshipType === "CONTAINS").map((r) => r.relatedSpdxElement));
        for (const name of ["nodejs", "pnpm", "node-gyp"]) expect(contained, name).toContain(find(name)?.SPDXID);
        const bom = await attestedSbom(`${repository}@${amd64?.digest}`, "cyclonedx");
        expect(bom.components.find((c) => c.name === "pnpm")).toMatchObject({
          version: "10.34.8",
          scope: "required",
          purl: "pkg:npm/pnpm@10.34.8",
        });
      },
      15 * 60_000,
    );

    test(
      "an app built in a pnpmStage(): marked, from the stage's lock file, is a build dependency and pnpm the build tool; neither is in the image",
      async () => {
        cpSync(path.join(repositoryRoot, "e2e/fixtures/sbom/sbom-node-site"), path.join(clone, "images/sbom-node-site"), {
          recursive: true,
        });
        const synth = await kiln(["synth", "sbom-node-site"]);
        expect(synth.exitCode, synth.stderr).toBe(0);
        const committed = await run("git", ["add", "images/sbom-node-site"]);
        expect(committed.exitCode, committed.stderr).toBe(0);
        expect((await run("git", ["commit", "-qm", "e2e: an app with a Node build stage"])).exitCode).toBe(0);
        const started = Date.now();
        const pushed = await kiln(["build", "sbom-node-site", "--push", "--registry", target(), "--platform", "linux/amd64"]);
        expect(pushed.exitCode, pushed.stderr.slice(-3000)).toBe(0);
        process.stderr.write(
          `kiln e2e: build --push of sbom-node-site (amd64) with SBOMs and signature: ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
        process.stderr.write(`kiln e2e: sbom-node-site ${/SBOM linux\/amd64: .*/.exec(pushed.stderr)?.[0]}\n`);
        const repository = `${target()}/sbom-node-site`;
        const digest = (await withLogin(() => client("sbom-node-site").digest("0.1.0"))) as string;
        const [amd64] = await platformDigests(repository, digest);
        const sbom = await attestedSbom(`${repository}@${amd64?.digest}`);
        const marked = sbom.packages.find((p) => p.name === "marked");
        const pnpm = sbom.packages.find((p) => p.name === "pnpm");
        expect(marked?.externalRefs[0]?.referenceLocator).toBe("pkg:npm/marked@15.0.12");
        const relationshipOf = (id: string | undefined) =>
          sbom.relationships.filter((r) => r.spdxElementId === id || r.relatedSpdxElement === id).map((r) => r.relationshipType);
        expect(relationshipOf(marked?.SPDXID)).toEqual(["BUILD_DEPENDENCY_OF"]);
        expect(relationshipOf(pnpm?.SPDXID)).toEqual(["BUILD_TOOL_OF"]);
        // The image is debian-base plus HTML: its dpkg database has no nodejs.
        expect(sbom.packages.find((p) => p.name === "nodejs")).toBeUndefined();
        expect(sbom.packages.find((p) => p.name === "libc6")).toBeDefined();
        const bom = await attestedSbom(`${repository}@${amd64?.digest}`, "cyclonedx");
        expect(bom.components.find((c) => c.name === "marked")).toMatchObject({ version: "15.0.12", scope: "excluded" });
        const verified = await kiln(["verify", "sbom-node-site@0.1.0", "--registry", target(), "--key", path.join(keys, "cosign.pub")]);
        expect(verified.exitCode, verified.stderr.slice(-3000)).toBe(0);
      },
      15 * 60_000,
    );
  });
});
