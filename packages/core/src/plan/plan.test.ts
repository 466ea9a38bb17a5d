import { describe, expect, test } from "vitest";
import { tini } from "../feature/tini.js";
import { defineImage } from "../spec/define.js";
import { localContentTag, planBuild, stagingReference, type PlanOptions } from "./plan.js";
import { loadedImage } from "../testing/loaded-image.js";

const root = "/repo";

const baseDefinition = defineImage({
  name: "alpine-base",
  description: "base",
  base: "alpine:3.22",
  features: [tini()],
  users: [{ name: "app", uid: 10001 }],
  user: "app",
});
const base = loadedImage(baseDefinition, "1.2.0");
const nginx = loadedImage(
  defineImage({ name: "alpine-nginx", description: "web", base: baseDefinition }),
  "0.4.1",
  new Map([["alpine-base", base.resolved]]),
);
const all = new Map([
  ["alpine-base", base],
  ["alpine-nginx", nginx],
]);
const options: PlanOptions = {
  root,
  output: { type: "load" },
  metadataFile: "images/alpine-nginx/dist/buildx-metadata.json",
  revision: "89abcdef0123456789abcdef0123456789abcdef",
  createdEpoch: 1700000000,
};

/** The values that follow each occurrence of `flag` in argv. */
function values(argv: string[], flag: string): string[] {
  return argv.flatMap((arg, i) => (arg === flag ? [argv[i + 1] as string] : []));
}

describe("planBuild argv", () => {
  const load = planBuild(nginx, all, options);
  const push = planBuild(nginx, all, { ...options, output: { type: "push" }, registry: "127.0.0.1:5000/kiln", latest: true });
  const mirrored = planBuild(base, all, {
    ...options,
    mirror: { name: "custom", registries: { hub: "127.0.0.1:5000" }, apk: "https://m.example/alpine", persist: false },
  });

  test("is docker buildx build, run from the repository root, ending with the context", () => {
    expect(load.command.command).toBe("docker");
    expect(load.command.args.slice(0, 2)).toEqual(["buildx", "build"]);
    expect(load.command.args.at(-1)).toBe("images/alpine-nginx");
  });

  test.each<[string, string, string[]]>([
    ["--file", "the generated Dockerfile", ["images/alpine-nginx/Dockerfile"]],
    ["--platform", "both platforms, comma-joined", ["linux/amd64,linux/arm64"]],
    ["--tag", "local tags", ["kiln.local/alpine-nginx:local", "kiln.local/alpine-nginx:0.4.1"]],
    [
      "--build-context",
      "the parent mapped to its local image",
      ["kiln.local/alpine-base:local=docker-image://kiln.local/alpine-base:1.2.0"],
    ],
    ["--metadata-file", "a metadata file to read digests from", ["images/alpine-nginx/dist/buildx-metadata.json"]],
    ["--progress", "BuildKit progress passes through", ["auto"]],
  ])("load: %s carries %s", (flag, _what, expected) => {
    expect(values(load.command.args, flag)).toEqual(expected);
  });

  test("load: a parent found or built in the local store is named by the tag of its content", () => {
    const tag = localContentTag("1.2.0", `sha256:${"0123456789ab".repeat(5)}abcd`);
    expect(tag).toBe("1.2.0-0123456789ab");
    const pinned = planBuild(nginx, all, { ...options, localParentTags: { "alpine-base": tag } });
    expect(values(pinned.command.args, "--build-context")).toEqual([
      "kiln.local/alpine-base:local=docker-image://kiln.local/alpine-base:1.2.0-0123456789ab",
    ]);
    // A push takes the parent from the registry: the local tag plays no part.
    const pushed = planBuild(nginx, all, {
      ...options,
      output: { type: "push" },
      registry: "127.0.0.1:5000/kiln",
      localParentTags: { "alpine-base": tag },
    });
    expect(values(pushed.command.args, "--build-context")).toEqual([
      "kiln.local/alpine-base:local=docker-image://127.0.0.1:5000/kiln/alpine-base:1.2.0",
    ]);
  });

  test("load: into the local store with zstd layers, pushing nothing", () => {
    expect(values(load.command.args, "--output")).toEqual(["type=docker,compression=zstd"]);
    expect(load.command.args).not.toContain("--push");
  });

  test("labels: OCI version, revision, created (from SOURCE_DATE_EPOCH) and base name", () => {
    const labels = values(load.command.args, "--label");
    expect(labels).toEqual(
      expect.arrayContaining([
        "org.opencontainers.image.version=0.4.1",
        "org.opencontainers.image.revision=89abcdef0123456789abcdef0123456789abcdef",
        "org.opencontainers.image.created=2023-11-14T22:13:20Z",
        "org.opencontainers.image.base.name=kiln.local/alpine-base:local",
        "org.opencontainers.image.title=alpine-nginx",
      ]),
    );
    expect(load.env).toEqual({ SOURCE_DATE_EPOCH: "1700000000" });
  });

  test("a child whose parent's digest is unknown sets base.digest empty (labels are inherited: the parent's would name its own base); the index gets no empty annotation", () => {
    expect(values(load.command.args, "--label")).toContain("org.opencontainers.image.base.digest=");
    expect(values(push.command.args, "--label")).toContain("org.opencontainers.image.base.digest=");
    expect(values(push.command.args, "--annotation").filter((annotation) => annotation.includes("base.digest"))).toEqual([]);
  });

  test("push: registry tags from the version, index annotations, and the parent from the registry", () => {
    expect(values(push.command.args, "--tag")).toEqual([
      "127.0.0.1:5000/kiln/alpine-nginx:0.4.1",
      "127.0.0.1:5000/kiln/alpine-nginx:0.4",
      "127.0.0.1:5000/kiln/alpine-nginx:latest",
      "127.0.0.1:5000/kiln/alpine-nginx:sha-89abcde",
    ]);
    expect(values(push.command.args, "--annotation")).toContain("index:org.opencontainers.image.version=0.4.1");
    expect(values(push.command.args, "--build-context")).toEqual([
      "kiln.local/alpine-base:local=docker-image://127.0.0.1:5000/kiln/alpine-base:1.2.0",
    ]);
    // gzip, converted where the cache holds only a local build's zstd layers
    expect(values(push.command.args, "--output")).toEqual(["type=registry,compression=gzip,force-compression=true"]);
  });

  describe("push by digest", () => {
    const parentDigest = `sha256:${"a".repeat(64)}`;
    const byDigest = (via: "buildx" | "staging") =>
      planBuild(nginx, all, {
        ...options,
        output: { type: "push-by-digest", via },
        registry: "127.0.0.1:5000/kiln",
        pushedParents: { "alpine-base": parentDigest },
      });

    test("buildx: no tag at all, the image's repository with push-by-digest and a canonical name", () => {
      const plan = byDigest("buildx");
      expect(values(plan.command.args, "--tag")).toEqual([]);
      expect(values(plan.command.args, "--output")).toEqual([
        "type=image,name=127.0.0.1:5000/kiln/alpine-nginx,push=true,push-by-digest=true,name-canonical=true,compression=gzip,force-compression=true",
      ]);
      expect(plan.command.args).not.toContain("--push");
      expect(plan.pushName).toBe("127.0.0.1:5000/kiln/alpine-nginx");
    });

    test("staging (docker driver): the staging repository, under version-commit, never a release tag", () => {
      const plan = byDigest("staging");
      expect(values(plan.command.args, "--output")).toEqual([
        "type=image,name=127.0.0.1:5000/kiln/kiln-staging/alpine-nginx:0.4.1-89abcde,push=true,compression=gzip,force-compression=true",
      ]);
      expect(plan.repository).toBe("127.0.0.1:5000/kiln/alpine-nginx");
    });

    test("only a push through staging leaves a tag of kiln's to remove: the staging reference, never a release tag or the user's name", () => {
      expect(stagingReference(byDigest("staging"))).toBe("127.0.0.1:5000/kiln/kiln-staging/alpine-nginx:0.4.1-89abcde");
      expect(stagingReference(byDigest("buildx"))).toBeUndefined();
      const tagged = planBuild(nginx, all, { ...options, output: { type: "push" }, registry: "127.0.0.1:5000/kiln" });
      expect(tagged.pushName).toBeDefined();
      expect(stagingReference(tagged)).toBeUndefined();
      expect(stagingReference(planBuild(nginx, all, options))).toBeUndefined();
    });

    test("labels and index annotations name the parent as pushed, and the build uses it at that digest", () => {
      const plan = byDigest("staging");
      const expected = [
        "org.opencontainers.image.base.name=127.0.0.1:5000/kiln/alpine-base:1.2.0",
        `org.opencontainers.image.base.digest=${parentDigest}`,
      ];
      expect(values(plan.command.args, "--label")).toEqual(expect.arrayContaining(expected));
      expect(values(plan.command.args, "--annotation")).toEqual(expect.arrayContaining(expected.map((label) => `index:${label}`)));
      expect(values(plan.command.args, "--build-context")).toEqual([
        `kiln.local/alpine-base:local=docker-image://127.0.0.1:5000/kiln/alpine-base:1.2.0@${parentDigest}`,
      ]);
    });

    test("a registry base carries the digest it was resolved to", () => {
      const plan = planBuild(base, all, {
        ...options,
        output: { type: "push-by-digest", via: "staging" },
        registry: "127.0.0.1:5000/kiln",
        baseDigest: parentDigest,
      });
      expect(values(plan.command.args, "--label")).toEqual(
        expect.arrayContaining(["org.opencontainers.image.base.name=alpine:3.22", `org.opencontainers.image.base.digest=${parentDigest}`]),
      );
    });
  });

  test("mirror: registry mirror as a build context for the base, apk mirror as a build arg", () => {
    expect(values(mirrored.command.args, "--build-context")).toEqual(["alpine:3.22=docker-image://127.0.0.1:5000/library/alpine:3.22"]);
    expect(values(mirrored.command.args, "--build-arg")).toEqual(["KILN_APK_MIRROR=https://m.example/alpine"]);
  });

  test("registry cache and OCI output", () => {
    const plan = planBuild(base, all, { ...options, cacheRef: "127.0.0.1:5000/kiln/cache", output: { type: "oci", dest: "out.tar" } });
    expect(values(plan.command.args, "--cache-from")).toEqual(["type=registry,ref=127.0.0.1:5000/kiln/cache:alpine-base"]);
    expect(values(plan.command.args, "--cache-to")).toEqual(["type=registry,ref=127.0.0.1:5000/kiln/cache:alpine-base,mode=max"]);
    expect(values(plan.command.args, "--output")).toEqual([
      "type=oci,dest=out.tar,rewrite-timestamp=true,compression=gzip,force-compression=true",
    ]);
  });

  test("a platform override replaces the definition's platforms", () => {
    expect(values(planBuild(base, all, { ...options, platforms: ["linux/arm64"] }).command.args, "--platform")).toEqual(["linux/arm64"]);
  });
});
