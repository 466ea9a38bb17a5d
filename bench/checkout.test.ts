import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";
import { BenchCheckoutError, benchCheckout, parentPlatforms } from "./checkout.js";

const repositoryRoot = fileURLToPath(new URL("..", import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory laid out like a kiln checkout, with these Dockerfiles under images/. */
function fakeCheckout(dockerfiles: Record<string, string>): { root: string } {
  const root = mkdtempSync(path.join(tmpdir(), "kiln-bench-checkout-test-"));
  dirs.push(root);
  for (const [name, text] of Object.entries(dockerfiles)) {
    mkdirSync(path.join(root, "images", name), { recursive: true });
    writeFileSync(path.join(root, "images", name, "Dockerfile"), text);
  }
  return { root };
}

test("this repository is a checkout the bench can build with", () => {
  const checkout = benchCheckout(repositoryRoot, "this repository");
  expect(checkout.kilnBin).toBe(path.join(checkout.root, "packages/cli/bin/kiln.js"));
  expect(checkout.revision).toMatch(/^[0-9a-f]{7}$/);
});

test("a directory that is no installed kiln clone is refused, naming where it came from and the fix", () => {
  const { root } = fakeCheckout({});
  expect(() => benchCheckout(root, "KILN_BENCH_BASELINE=x")).toThrow(BenchCheckoutError);
  expect(() => benchCheckout(root, "KILN_BENCH_BASELINE=x")).toThrow(/KILN_BENCH_BASELINE=x: .* has no packages\/cli\/bin\/kiln.js\nfix: /);
  mkdirSync(path.join(root, "packages/cli/bin"), { recursive: true });
  writeFileSync(path.join(root, "packages/cli/bin/kiln.js"), "");
  expect(() => benchCheckout(root, "KILN_BENCH_BASELINE=x")).toThrow(/has no node_modules\nfix: run pnpm install --frozen-lockfile/);
});

test("the parent is built for the engine's platform too only where a child has a stage on the build platform", () => {
  const withStage = fakeCheckout({
    nginx: "FROM kiln.local/base:local AS kiln-target-base\nFROM --platform=$BUILDPLATFORM kiln.local/base:local AS kiln-packages\n",
    ssh: "FROM kiln.local/base:local AS ssh\n",
  });
  const without = fakeCheckout({ nginx: "FROM kiln.local/base:local AS nginx\n", ssh: "FROM kiln.local/base:local AS ssh\n" });
  expect(parentPlatforms(withStage, "base", ["nginx", "ssh"], "linux/arm64", "linux/amd64")).toEqual(["linux/arm64", "linux/amd64"]);
  expect(parentPlatforms(without, "base", ["nginx", "ssh"], "linux/arm64", "linux/amd64")).toEqual(["linux/arm64"]);
  // On an arm64 engine the build platform is the target one: nothing to add.
  expect(parentPlatforms(withStage, "base", ["nginx"], "linux/arm64", "linux/arm64")).toEqual(["linux/arm64"]);
  // Another parent's name does not count.
  expect(parentPlatforms(withStage, "other", ["nginx"], "linux/arm64", "linux/amd64")).toEqual(["linux/arm64"]);
});
