import { describe, expect, test } from "vitest";
import { MergeRefusedError, planMerge, type MergeInput } from "./merge.js";

const commit = "89abcdef0123456789abcdef0123456789abcdef";
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const registry = "127.0.0.1:5000/kiln";
function file(platform: string, overrides: Record<string, unknown> = {}) {
  return {
    file: `images/debian-nginx/dist/digests/${platform.replaceAll("/", "-")}.json`,
    content: {
      image: "debian-nginx",
      version: "1.2.3",
      platform,
      digest: digest(platform.endsWith("arm64") ? "b" : "a"),
      repository: `${registry}/debian-nginx`,
      commit,
      ...overrides,
    },
  };
}
function input(files: MergeInput["files"]): MergeInput {
  return { image: "debian-nginx", version: "1.2.3", platforms: ["linux/amd64", "linux/arm64"], registry, files };
}

describe("planMerge", () => {
  test("two platforms of one commit: one imagetools create with every version tag, digests in the image's platform order", () => {
    const plan = planMerge(input([file("linux/arm64"), file("linux/amd64")]));
    expect(plan.tags).toEqual([
      `${registry}/debian-nginx:1.2.3`,
      `${registry}/debian-nginx:1.2`,
      `${registry}/debian-nginx:1`,
      `${registry}/debian-nginx:sha-89abcde`,
    ]);
    expect(plan.command.args).toEqual([
      "buildx",
      "imagetools",
      "create",
      ...plan.tags.flatMap((tag) => ["--tag", tag]),
      `${registry}/debian-nginx@${digest("a")}`,
      `${registry}/debian-nginx@${digest("b")}`,
    ]);
    expect(plan.commit).toBe(commit);
  });

  test("the builder reaches imagetools", () => {
    expect(planMerge(input([file("linux/amd64"), file("linux/arm64")]), "fleet").command.args.slice(0, 5)).toEqual([
      "buildx",
      "imagetools",
      "create",
      "--builder",
      "fleet",
    ]);
  });

  const refusals: [string, MergeInput["files"], RegExp][] = [
    ["no digest files", [], /no digest files in images\/debian-nginx\/dist\/digests\//],
    [
      "digests from different commits",
      [file("linux/amd64"), file("linux/arm64", { commit: "0".repeat(40) })],
      /different commits \(89abcde: linux\/amd64; 0000000: linux\/arm64\)/,
    ],
    ["a missing platform", [file("linux/amd64")], /no digest for linux\/arm64 \(have linux\/amd64\)/],
    [
      "a platform the image does not have",
      [file("linux/amd64"), file("linux/arm64"), file("linux/riscv64")],
      /linux\/riscv64 is not a platform of the image/,
    ],
    ["two digests for one platform", [file("linux/amd64"), file("linux/amd64")], /a second digest for linux\/amd64/],
    [
      "another image's digest",
      [file("linux/amd64", { image: "debian-base" }), file("linux/arm64")],
      /linux-amd64\.json: image is debian-base, the merge is for debian-nginx/,
    ],
    [
      "another version's digest",
      [file("linux/amd64"), file("linux/arm64", { version: "1.2.2" })],
      /linux-arm64\.json: version is 1\.2\.2, the merge is for 1\.2\.3/,
    ],
    [
      "a digest in another registry",
      [file("linux/amd64", { repository: "ghcr.io/acme/debian-nginx" }), file("linux/arm64")],
      /repository is ghcr\.io\/acme\/debian-nginx, the merge is for 127\.0\.0\.1:5000\/kiln\/debian-nginx/,
    ],
    ["a record that is not a digest", [file("linux/amd64", { digest: "latest" }), file("linux/arm64")], /linux-amd64\.json: digest: /],
    ["a record with an unknown field", [file("linux/amd64", { tag: "x" }), file("linux/arm64")], /linux-amd64\.json: \(file\): /],
  ];
  test.each(refusals)("refuses %s", (_what, files, message) => {
    const run = () => planMerge(input(files));
    expect(run).toThrow(MergeRefusedError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (error) {
      expect((error as MergeRefusedError).code).toBe("KILN_MERGE_REFUSED");
      expect((error as MergeRefusedError).exitCode).toBe(2);
      expect((error as MergeRefusedError).hint).toBeTruthy();
    }
  });
});
