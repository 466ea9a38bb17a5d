import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startPrivateEngine } from "../e2e/private-engine.js";
import { startRemoteCacheServer } from "../e2e/remote-cache-server.js";
import { startArchiveRelay } from "./archive-relay.js";
import { atExit } from "./cleanup.js";
import { benchCheckout, parentPlatforms } from "./checkout.js";
import { interleaved } from "./interleaved.js";
import { summarize } from "./stats.js";
import { syntheticWorkspace, turboWorkspace } from "./synthetic-workspace.js";
import { sampled, timed } from "./timed.js";

const repositoryRoot = fileURLToPath(new URL("..", import.meta.url));
const kilnBin = path.join(repositoryRoot, "packages/cli/bin/kiln.js");
/**
 * The Debian base comes from the loopback registry, as in CI (scripts/make-debian-base.sh); the
 * machine's CA bundle goes to steps that download over HTTPS (debian-node's pnpm), for networks
 * whose proxy re-signs TLS.
 */
const caBundle = "/etc/ssl/certs/ca-certificates.crt";
const mirror = `registry.hub=127.0.0.1:5000${existsSync(caBundle) ? `,ca=${caBundle}` : ""}`;
/**
 * The sizes the speed issue measured against (bench/results/2026-12-01T08-13-40Z.json, before
 * kiln's dpkg excludes and the trimmed base): the size target is at least 10% under these.
 */
const sizeBaseline = new Map(
  JSON.parse(readFileSync(new URL("results/2026-12-01T08-13-40Z.json", import.meta.url), "utf8"))
    .rows.filter((row) => row.scenario === "6 image size")
    .map((row) => [row.subject, row.median]),
);
/** The whole Debian family, parent first: debian-base and the five images built on it. */
const family = ["debian-base", "debian-nginx", "debian-ssh", "debian-init", "debian-node", "debian-dev"];
const familyFilter = "--filter=debian-*";
/**
 * The cold scenario leaves debian-dev out: its toolchain (build-essential, python3, nodejs, vim)
 * installs under QEMU for about 85 s, once per subject, which would take the bench past 20 minutes.
 * The other five are a chain (debian-base first) and a fan-out of four, as the family is.
 */
const coldFamily = family.filter((name) => name !== "debian-dev");
const turboEnv = { KILN_MIRROR: mirror, TURBO_TELEMETRY_DISABLED: "1" };
const kiln = (args, options = {}) => timed(process.execPath, [kilnBin, ...args], { cwd: repositoryRoot, ...options });
/** `pnpm turbo build`, as the README tells users to run it. */
const turbo = (args) => timed("pnpm", ["turbo", ...args, "--output-logs=new-only", "--ui=stream"], { cwd: repositoryRoot, env: turboEnv });
/** The same, with turbo on PATH (Turborepo's own install advice): no pnpm process in front. */
const turboDirect = (args) =>
  timed(path.join(repositoryRoot, "node_modules/.bin/turbo"), [...args, "--output-logs=new-only", "--ui=stream"], {
    cwd: repositoryRoot,
    env: turboEnv,
  });
const docker = (args, options = {}) => timed("docker", args, { cwd: repositoryRoot, ...options });

/**
 * Writes docker-bake.json for the family to a temporary file (never over the user's own). Its
 * targets load under a repository of the bench's own instead of kiln's local tags: bake moving
 * `kiln.local/debian-base:0.1.0` to its image would make kiln's next build see a parent that is not
 * the one it recorded and build it again, which the scenarios that take turns would then time. The
 * tags are removed from the image store when the bench ends.
 */
async function bakeFileFor(names) {
  const dir = mkdtempSync(path.join(tmpdir(), "kiln-bench-bake-"));
  atExit(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "docker-bake.json");
  await kiln(["bake", ...names, "--mirror", mirror, "--out", file]);
  const definition = JSON.parse(readFileSync(file, "utf8"));
  const tags = [];
  for (const target of Object.values(definition.target)) {
    target.tags = (target.tags ?? []).map((tag) => tag.replace(/^kiln\.local\//, `${bakeRepository}/`));
    tags.push(...target.tags);
  }
  writeFileSync(file, JSON.stringify(definition, null, 2));
  atExit(() => {
    try {
      execFileSync("docker", ["image", "rm", "--no-prune", ...tags], { stdio: "ignore" });
    } catch {
      // a scenario that failed before bake ran has no such tags
    }
  });
  return file;
}
const bakeRepository = "kiln-bench-bake.local";
const bake = (file, extra = []) => docker(["buildx", "bake", "-f", file, "--load", "--progress", "plain", ...extra]);

/**
 * In the order `pnpm bench` runs them. `cold` is last because it empties BuildKit's cache before
 * every subject: run earlier, it would leave the scenarios after it a cache that only one of the
 * subjects (kiln's builds and bake's key their layers differently) could use.
 */
export const scenarios = {
  /** 1. kiln synth of 500 definitions, whole process, cold (nothing written yet) and warm. */
  async synth({ runs }) {
    const count = 500;
    const root = syntheticWorkspace(count);
    const removeWorkspace = atExit(() => rmSync(root, { recursive: true, force: true }));
    try {
      const dockerfiles = () => readdirSync(path.join(root, "images")).map((name) => path.join(root, "images", name, "Dockerfile"));
      const cold = await sampled(runs, async () => {
        for (const file of dockerfiles()) rmSync(file, { force: true });
        return (await kiln(["synth"], { cwd: root })).ms;
      });
      const written = dockerfiles().filter((file) => existsSync(file)).length;
      if (written !== count) throw new Error(`kiln synth wrote ${written} Dockerfiles, expected ${count}`);
      const warm = await sampled(runs, async () => (await kiln(["synth"], { cwd: root })).ms);
      const target = 1500;
      return [
        row("1 synth 500 images", "kiln synth, cold", summarize(cold), {
          target: `< ${target} ms`,
          met: summarize(cold).median < target,
          note: `${(summarize(cold).median / count).toFixed(2)} ms per image`,
        }),
        row("1 synth 500 images", "kiln synth, warm", summarize(warm), {
          target: `< ${target} ms`,
          met: summarize(warm).median < target,
          note: `${(summarize(warm).median / count).toFixed(2)} ms per image`,
        }),
      ];
    } finally {
      removeWorkspace();
    }
  },

  /**
   * 0. kiln's own start, whole process: `kiln --version`, and `kiln build debian-nginx --dry-run`,
   * which does everything a cache-missing `kiln build` does before buildx starts (load the
   * definitions, synthesize, plan) but the engine ping. Node's own start (`node -e 0`) is timed
   * beside them: kiln's own time is the difference.
   */
  async start({ runs }) {
    const node = await sampled(runs, async () => (await timed(process.execPath, ["-e", "0"])).ms);
    const version = await sampled(runs, async () => (await kiln(["--version"])).ms);
    const cwd = path.join(repositoryRoot, "images/debian-nginx");
    await kiln(["build", "--dry-run"], { cwd });
    const build = await sampled(runs, async () => (await kiln(["build", "--dry-run"], { cwd })).ms);
    const floor = summarize(node).median;
    const own = summarize(build).median - floor;
    return [
      row("0 kiln's start", "node -e 0 (Node's own start)", summarize(node)),
      row("0 kiln's start", "kiln --version", summarize(version), {
        target: "≤ 150 ms",
        met: summarize(version).median <= 150,
        note: `${(summarize(version).median - floor).toFixed(0)} ms over Node's start`,
      }),
      row("0 kiln's start", "kiln build debian-nginx --dry-run", summarize(build), {
        target: "kiln's own < 150 ms",
        met: own < 150,
        note: `${own.toFixed(0)} ms over Node's start: load 2 definitions, synth, plan`,
      }),
    ];
  },

  /**
   * 2. Rebuild of the whole family with nothing changed: Turborepo's cache vs bake on a warm
   * BuildKit cache. Timed twice for kiln: as `pnpm turbo build` and with turbo on PATH, because
   * pnpm's own start is most of the first.
   */
  /**
   * 7. kiln lint of 100 Dockerfiles in one process, without shellcheck: the Dockerfiles kiln synth
   * writes for 100 generated definitions (RUN heredocs, COPY --from, multi-stage), whole process.
   */
  async lint({ runs }) {
    const count = 100;
    const root = syntheticWorkspace(count);
    const removeWorkspace = atExit(() => rmSync(root, { recursive: true, force: true }));
    try {
      await kiln(["synth"], { cwd: root });
      // --level error: the timing is the same, and hadolint's package-pinning warnings on the
      // generated files (kiln pins base digests instead) would fail the run.
      const lint = () => kiln(["lint", "--no-shellcheck", "--level", "error", path.join(root, "images")], { cwd: root });
      const first = await lint();
      if (!first.output.includes(`${count} Dockerfile(s)`))
        throw new Error(`kiln lint did not lint ${count} Dockerfiles:\n${first.output}`);
      const samples = await sampled(runs, async () => (await lint()).ms);
      const target = 1000;
      const stats = summarize(samples);
      return [
        row("7 lint 100 Dockerfiles", "kiln lint, no shellcheck", stats, {
          target: `< ${target} ms`,
          met: stats.median < target,
          note: `${(stats.median / count).toFixed(2)} ms per file`,
        }),
      ];
    } finally {
      removeWorkspace();
    }
  },

  async noop({ runs }) {
    await turbo(["build", familyFilter]);
    const file = await bakeFileFor(family);
    await bake(file);
    let buildxStarted = false;
    const noBuildx = (result) => {
      if (!result.output.includes("FULL TURBO") || result.output.includes("docker buildx")) buildxStarted = true;
      return result.ms;
    };
    const [kilnTimes, directTimes, bakeTimes] = await interleaved(runs, ["kiln", "turbo", "bake"], async (subject) => {
      if (subject === "kiln") return noBuildx(await turbo(["build", familyFilter]));
      if (subject === "turbo") return noBuildx(await turboDirect(["build", familyFilter]));
      return (await bake(file)).ms;
    });
    const ratio = summarize(kilnTimes).median / summarize(bakeTimes).median;
    const directRatio = summarize(directTimes).median / summarize(bakeTimes).median;
    const note = buildxStarted ? "buildx ran" : "full Turborepo cache hit, no buildx";
    return [
      row("2 no-op rebuild", "pnpm turbo build", summarize(kilnTimes), {
        ratio,
        target: "≤ 0.5× bake, no buildx",
        met: ratio <= 0.5 && !buildxStarted,
        note,
      }),
      row("2 no-op rebuild", "turbo build (turbo on PATH)", summarize(directTimes), {
        ratio: directRatio,
        target: "≤ 0.5× bake, no buildx",
        met: directRatio <= 0.5 && !buildxStarted,
        note,
      }),
      row("2 no-op rebuild", "docker buildx bake", summarize(bakeTimes)),
    ];
  },

  /** 4. One file of a leaf image changes: only that image rebuilds; bake checks every target. */
  async leafChange({ runs }) {
    const page = path.join(repositoryRoot, "images/debian-nginx/files/index.html");
    const original = readFileSync(page, "utf8");
    const restorePage = atExit(() => writeFileSync(page, original));
    const file = await bakeFileFor(family);
    // Both start warm, whatever ran before: the samples time the change, not a first build.
    await turbo(["build", familyFilter]);
    await bake(file);
    // And one untimed change through Turborepo: a warm turbo build replays the images' build
    // records without running kiln, so an image store another subject re-tagged (the cold
    // scenario's script builds kiln's own tags) is found only by the first kiln build that runs,
    // which then rebuilds debian-base from cache first (an 11 s first sample in 22-53-06Z).
    appendFileSync(page, `<!-- bench ${Date.now()} warm-up -->\n`);
    await turbo(["build", familyFilter]);
    let onlyLeaf = true;
    const leafOnly = (result) => {
      const rebuilt = family.filter((name) => !new RegExp(`${name}:build: cache hit`).test(result.output));
      if (rebuilt.join() !== "debian-nginx") onlyLeaf = false;
      return result.ms;
    };
    try {
      const [kilnTimes, directTimes, bakeTimes] = await interleaved(runs, ["kiln", "turbo", "bake"], async (subject, round) => {
        appendFileSync(page, `<!-- bench ${Date.now()} ${subject} ${round} -->\n`);
        if (subject === "kiln") return leafOnly(await turbo(["build", familyFilter]));
        if (subject === "turbo") return leafOnly(await turboDirect(["build", familyFilter]));
        return (await bake(file)).ms;
      });
      const ratio = summarize(kilnTimes).median / summarize(bakeTimes).median;
      const directRatio = summarize(directTimes).median / summarize(bakeTimes).median;
      const note = onlyLeaf ? "the other five: cache hits" : "more than debian-nginx rebuilt";
      return [
        row("4 one-file change", "pnpm turbo build", summarize(kilnTimes), {
          ratio,
          target: "≤ 1.2× bake, only the leaf rebuilds",
          met: ratio <= 1.2 && onlyLeaf,
          note,
        }),
        row("4 one-file change", "turbo build (turbo on PATH)", summarize(directTimes), {
          ratio: directRatio,
          target: "≤ 1.2× bake, only the leaf rebuilds",
          met: directRatio <= 1.2 && onlyLeaf,
          note,
        }),
        row("4 one-file change", "docker buildx bake", summarize(bakeTimes)),
      ];
    } finally {
      restorePage();
      await turbo(["build", familyFilter]);
    }
  },

  /**
   * 5. The same image from scratch per platform: what QEMU costs arm64 on this machine. Every
   * counted sample builds debian-nginx alone: its parent is built first for both platforms (and
   * loaded), and one build per platform warms BuildKit up, both untimed. Without that, the first
   * sample of a platform rebuilt debian-base whenever the store's image was not the one its record
   * names (bake or another clone replaced it) or lacked that platform, 3-5x the others. The
   * platforms then alternate sample by sample, so drift on the machine hits both.
   */
  async platforms({ runs }) {
    const platforms = ["linux/amd64", "linux/arm64"];
    await kiln([
      "build",
      "debian-base",
      ...platforms.flatMap((platform) => ["--platform", platform]),
      "--mirror",
      mirror,
      "--progress",
      "plain",
    ]);
    const buildNginx = (platform) =>
      kiln([
        "build",
        "debian-nginx",
        "--no-cache",
        "--platform",
        platform,
        "--output",
        "cache-only",
        "--mirror",
        mirror,
        "--progress",
        "plain",
      ]);
    for (const platform of platforms) await buildNginx(platform);
    const [amd64, arm64] = await interleaved(runs, platforms, async (platform) => onlyAsked(await buildNginx(platform), "debian-nginx").ms);
    const ratio = summarize(arm64).median / summarize(amd64).median;
    return [
      row("5 per platform", "debian-nginx linux/amd64", summarize(amd64)),
      row("5 per platform", "debian-nginx linux/arm64", summarize(arm64), {
        ratio,
        target: "≤ 2.0",
        met: ratio <= 2,
        note: "arm64 under QEMU ÷ amd64 native; alternating, after an untimed warm-up per platform",
      }),
    ];
  },

  /**
   * 10. The family but debian-dev (the cold scenario's list) for linux/arm64 alone, from scratch
   * (--no-cache): debian-base loaded, for the platforms its children need it for, then the four
   * children in one kiln run into the build cache only. The parent must be loaded: a child names
   * it by its local image, and a cache-only parent would leave the children building on whatever
   * image an earlier build loaded. With KILN_BENCH_BASELINE naming another kiln checkout
   * (installed), the same two commands run there too, sample by sample in turn with this one,
   * and the ratio is this checkout's median over the baseline's: the issue's target is "halved".
   */
  async familyArm64({ runs }) {
    const platform = "linux/arm64";
    const [parent, ...children] = coldFamily;
    const checkouts = [benchCheckout(repositoryRoot, "this repository")];
    const baselineDir = process.env.KILN_BENCH_BASELINE;
    if (baselineDir) checkouts.push(benchCheckout(baselineDir, `KILN_BENCH_BASELINE=${baselineDir}`));
    const enginePlatform = (await docker(["version", "--format", "{{.Server.Os}}/{{.Server.Arch}}"])).stdout.trim();
    const parentFor = checkouts.map((checkout) => parentPlatforms(checkout, parent, children, platform, enginePlatform));
    const build = async (checkout) => {
      const at = checkouts.indexOf(checkout);
      const run = (args) =>
        timed(process.execPath, [checkout.kilnBin, "build", ...args, "--no-cache", "--mirror", mirror, "--progress", "plain"], {
          cwd: checkout.root,
        });
      const loaded = await run([parent, ...parentFor[at].flatMap((p) => ["--platform", p])]);
      const built = onlyAsked(await run([...children, "--platform", platform, "--output", "cache-only"]), children.join(", "));
      return loaded.ms + built.ms;
    };
    const [own, baseline] = await interleaved(runs, checkouts, build);
    const what = (at) =>
      `${checkouts[at].revision}: ${parent} for ${parentFor[at].join(" + ")} (loaded), ${children.length} children for ${platform} (cache only)`;
    const ownRow = row("10 family arm64", `kiln ${checkouts[0].revision}, ${coldFamily.length} images, linux/arm64`, summarize(own));
    if (!baseline) return [{ ...ownRow, note: `${what(0)}; no baseline (set KILN_BENCH_BASELINE to a kiln clone at 451cc2b)` }];
    const ratio = summarize(own).median / summarize(baseline).median;
    return [
      { ...ownRow, ratio, target: "≤ 0.5× baseline", met: ratio <= 0.5, note: what(0) },
      row("10 family arm64", `baseline kiln ${checkouts[1].revision}, same images and commands`, summarize(baseline), { note: what(1) }),
    ];
  },

  /**
   * 6. Two engines against one: debian-base from scratch (--no-cache, build cache only) for both
   * platforms on the machine's engine, against its amd64 half on the machine's engine and its
   * arm64 half on a second dockerd of the bench's own, at the same time (the per-platform CI
   * matrix, on one machine). The second engine builds in a clone (two builds in one working tree
   * would share buildx's metadata file) and, having no route out, reaches Debian's archive through
   * a relay on its bridge's address; both subjects use that mirror.
   */
  async engines({ runs }) {
    const second = await startPrivateEngine();
    const clone = mkdtempSync(path.join(tmpdir(), "kiln-bench-clone-"));
    const removeClone = atExit(() => rmSync(clone, { recursive: true, force: true }));
    const relay = await startArchiveRelay(second.gateway);
    try {
      await timed("git", ["clone", "-q", repositoryRoot, clone]);
      await timed("pnpm", ["install", "--offline", "--frozen-lockfile"], { cwd: clone });
      const engineMirror = `${mirror},apt.debian=${relay.url}/debian,apt.debian-security=${relay.url}/debian-security`;
      const build = (platforms, options) =>
        timed(
          process.execPath,
          [
            path.join(options.cwd, "packages/cli/bin/kiln.js"),
            "build",
            "debian-base",
            "--no-cache",
            ...platforms.flatMap((platform) => ["--platform", platform]),
            "--output",
            "cache-only",
            "--mirror",
            engineMirror,
            "--progress",
            "plain",
          ],
          options,
        );
      const onMachine = { cwd: repositoryRoot };
      const onSecond = { cwd: clone, env: { DOCKER_HOST: second.host } };
      // Untimed: the second engine pulls the Debian base once, as a runner with a warm store would have it.
      await build(["linux/arm64"], onSecond);
      const one = await sampled(runs, async () => (await build(["linux/amd64", "linux/arm64"], onMachine)).ms);
      const halves = { amd64: [], arm64: [] };
      const two = await sampled(runs, async () => {
        const started = Date.now();
        const [amd64, arm64] = await Promise.all([build(["linux/amd64"], onMachine), build(["linux/arm64"], onSecond)]);
        halves.amd64.push(amd64.ms);
        halves.arm64.push(arm64.ms);
        return Date.now() - started;
      });
      const ratio = summarize(two).median / summarize(one).median;
      return [
        row("6 two engines", "one engine, both platforms", summarize(one)),
        row("6 two engines", "two engines, one platform each", summarize(two), {
          ratio,
          target: "reported",
          met: true,
          note: `amd64 half ${(summarize(halves.amd64).median / 1000).toFixed(1)} s, arm64 half ${(summarize(halves.arm64).median / 1000).toFixed(1)} s (QEMU)`,
        }),
      ];
    } finally {
      await relay.close();
      await second.remove();
      removeClone();
    }
  },

  /**
   * 8. Scale: `kiln synth` of 500 and of 5,000 generated images (cold), and over the 500-image
   * workspace a no-op `turbo build` (turbo on PATH; a full cache hit) against `docker buildx bake
   * --print` of the same 500 targets (bake's evaluation of the file kiln writes, no build).
   */
  async scale({ runs }) {
    const synthOf = async (count) => {
      const root = syntheticWorkspace(count);
      const remove = atExit(() => rmSync(root, { recursive: true, force: true }));
      try {
        return (await kiln(["synth"], { cwd: root })).ms;
      } finally {
        remove();
      }
    };
    const synth500 = summarize(await sampled(runs, () => synthOf(500)));
    const synth5000 = summarize(await sampled(1, () => synthOf(5000)));
    const root = syntheticWorkspace(500);
    const remove = atExit(() => rmSync(root, { recursive: true, force: true }));
    try {
      const file = path.join(root, "docker-bake.json");
      await kiln(["bake", "--out", file], { cwd: root });
      const bakePrint = summarize(
        await sampled(runs, async () => (await docker(["buildx", "bake", "-f", file, "--print"], { cwd: root })).ms),
      );
      turboWorkspace(root);
      const turboBin = path.join(repositoryRoot, "node_modules/.bin/turbo");
      const turboBuild = () =>
        timed(turboBin, ["build", "--output-logs=new-only", "--ui=stream"], { cwd: root, env: { TURBO_TELEMETRY_DISABLED: "1" } });
      await turboBuild();
      const noop = summarize(
        await sampled(runs, async () => {
          const result = await turboBuild();
          if (!result.output.includes("FULL TURBO"))
            throw new Error(`turbo build over 500 images was not a full cache hit:\n${result.output.slice(-2000)}`);
          return result.ms;
        }),
      );
      const growth = synth5000.median / synth500.median;
      return [
        row("8 scale", "kiln synth, 500 images", synth500, { note: `${(synth500.median / 500).toFixed(2)} ms per image` }),
        row("8 scale", "kiln synth, 5,000 images", synth5000, {
          ratio: growth,
          target: "≤ 10× the 500",
          met: growth <= 10,
          note: `${(synth5000.median / 5000).toFixed(2)} ms per image`,
        }),
        row("8 scale", "turbo build no-op, 500 images (turbo on PATH)", noop, {
          ratio: noop.median / bakePrint.median,
          target: "reported",
          met: true,
          note: "full Turborepo cache hit, against bake --print",
        }),
        row("8 scale", "docker buildx bake --print, 500 targets", bakePrint),
      ];
    } finally {
      remove();
    }
  },

  /** 6. Compressed size per platform against Dockerfiles written without cleanup discipline. */
  async size() {
    const registry = `127.0.0.1:5000/kiln-bench-${Date.now()}`;
    const naiveDir = path.join(repositoryRoot, "bench/naive");
    await kiln(["build", ...family, "--push", "--registry", registry, "--mirror", mirror, "--progress", "plain"]);
    const rows = [];
    for (const name of family) {
      const naiveRef = `${registry}/naive-${name}:1`;
      // The loopback registry (distribution 2.8) now and then answers a concurrent manifest HEAD
      // with a 500 during a push; kiln's own pushes retry, so the naive ones do too.
      await withRetries(3, () =>
        docker([
          "buildx",
          "build",
          "--platform",
          "linux/amd64,linux/arm64",
          "--file",
          path.join(naiveDir, `${name}.Dockerfile`),
          "--build-context",
          "debian:bookworm=docker-image://127.0.0.1:5000/library/debian:bookworm",
          "--tag",
          naiveRef,
          "--push",
          "--progress",
          "plain",
          naiveDir,
        ]),
      );
      // kiln build --push tags the package's version (changesets moves it).
      const { version } = JSON.parse(readFileSync(path.join(repositoryRoot, "images", name, "package.json"), "utf8"));
      const kilnSizes = await compressedSizes(`${registry}/${name}:${version}`);
      const naiveSizes = await compressedSizes(naiveRef);
      for (const platform of Object.keys(kilnSizes)) {
        const ratio = kilnSizes[platform] / naiveSizes[platform];
        const before = sizeBaseline.get(`${name} ${platform}`);
        const vsBefore = before ? kilnSizes[platform] / before : undefined;
        rows.push({
          scenario: "6 image size",
          subject: `${name} ${platform}`,
          median: kilnSizes[platform],
          unit: "bytes",
          ratio,
          target: "≤ naive, ≤ 0.9× 2026-12-01",
          met: ratio <= 1 && vsBefore !== undefined && vsBefore <= 0.9,
          note: `naive: ${naiveSizes[platform]} bytes; ${vsBefore === undefined ? "no size on 2026-12-01" : `${vsBefore.toFixed(2)}× 2026-12-01 (${before} bytes)`}`,
        });
      }
    }
    return rows;
  },

  /**
   * 3. Building the family from scratch: kiln through Turborepo, bake on kiln's bake file, and a
   * shell script of the same buildx commands one after the other, as seed build scripts do. Each
   * sample starts from an empty BuildKit cache (the base comes again from the loopback registry),
   * and for kiln with the images' Turborepo entries gone too: kiln's own packages stay built, as
   * they are on any machine that has built once.
   */
  async cold({ runs }) {
    const file = await bakeFileFor(coldFamily);
    const plans = JSON.parse((await kiln(["build", ...coldFamily, "--dry-run", "--json", "--mirror", mirror])).stdout);
    // The exact buildx commands kiln runs, parent first: what a hand-written script would hold.
    const script = plans.map((plan) => [plan.command.command, ...plan.command.args]);
    // In turn, round by round: a cold sample downloads every package again, and the archive's
    // speed through the proxy drifts by minutes (bake's one sample went from 72.7 to 87.5 s
    // between two runs an hour apart, 22-53-06Z and 23-36-57Z).
    const [kilnTimes, bakeTimes, scriptTimes] = await interleaved(runs, ["kiln", "bake", "script"], async (subject) => {
      await emptyBuildCache();
      if (subject === "kiln") {
        await forgetTurboBuilds(coldFamily);
        return (await turbo(["build", ...coldFamily.map((name) => `--filter=${name}`)])).ms;
      }
      if (subject === "bake") return (await bake(file)).ms;
      let total = 0;
      for (const [command, ...args] of script) total += (await timed(command, args, { cwd: repositoryRoot })).ms;
      return total;
    });
    const vsBake = summarize(kilnTimes).median / summarize(bakeTimes).median;
    const vsScript = summarize(kilnTimes).median / summarize(scriptTimes).median;
    return [
      row("3 cold family build", "pnpm turbo build", summarize(kilnTimes), {
        ratio: vsBake,
        target: "≤ 1.02× bake, < script",
        met: vsBake <= 1.02 && vsScript < 1,
        note: `${vsScript.toFixed(2)}× the script`,
      }),
      row("3 cold family build", "docker buildx bake", summarize(bakeTimes)),
      row("3 cold family build", "buildx build script", summarize(scriptTimes)),
    ];
  },

  /**
   * 7. What the supply chain costs a push: debian-nginx pushed by digest and tagged, without and
   * with its SPDX SBOMs, and with SBOMs and cosign signatures. Builds come from BuildKit's cache
   * (the first sample warms it), so the differences are the SBOM (a container per platform reads
   * dpkg's database; one attestation each) and the signing. Each sample pushes to a namespace of
   * its own, debian-base first, untimed.
   */
  async release({ runs }) {
    const keys = mkdtempSync(path.join(tmpdir(), "kiln-bench-cosign-"));
    const removeKeys = atExit(() => rmSync(keys, { recursive: true, force: true }));
    try {
      const env = { KILN_MIRROR: mirror, COSIGN_PASSWORD: "kiln-bench" };
      await timed("cosign", ["generate-key-pair"], { cwd: keys, env });
      const subjects = [
        ["push, no SBOM, unsigned", ["--no-sbom"]],
        ["push + SBOM", []],
        ["push + SBOM + signatures", ["--sign-key", path.join(keys, "cosign.key")]],
      ];
      const push = async (flags) => {
        const registry = `127.0.0.1:5000/kiln-bench-release-${Date.now()}`;
        await kiln(["build", "debian-base", "--push", "--registry", registry, "--no-sbom"], { env });
        return (await kiln(["build", "debian-nginx", "--push", "--registry", registry, "--progress", "plain", ...flags], { env })).ms;
      };
      await push(["--no-sbom"]);
      const rows = [];
      let plain;
      for (const [subject, flags] of subjects) {
        const stats = summarize(await sampled(runs, () => push(flags)));
        plain ??= stats.median;
        rows.push(
          row("7 push with SBOM and signing", subject, stats, {
            ratio: stats.median / plain,
            target: "reported",
            met: true,
            note: "debian-nginx, 2 platforms, cached build",
          }),
        );
      }
      return rows;
    } finally {
      removeKeys();
    }
  },

  /**
   * 9. A fresh clone's family build from Turborepo's remote cache against a cold build: per
   * sample, clone A (kiln's packages built untimed) builds and pushes the family from an empty
   * BuildKit cache, filling a turborepo-remote-cache server on loopback; clone B, fresh, runs the
   * same `turbo build`, every task a remote hit (checked from --summarize: a figure measured on a
   * miss would be a lie). linux/amd64 only: the arm64 half under QEMU would make each cold sample
   * several minutes and the point does not depend on the platform. Each sample pushes to a
   * namespace of its own (the registry part of the hash), removed from the local store after.
   */
  async remoteCache({ runs }) {
    const server = await startRemoteCacheServer();
    const stopServer = atExit(() => server.stopNow());
    const filters = coldFamily.map((name) => `--filter=${name}`);
    const build = (clone, env, extra = []) =>
      timed("pnpm", ["turbo", "build", ...filters, "--remote-only", "--output-logs=new-only", "--ui=stream", ...extra], {
        cwd: clone,
        env,
      });
    const pulled = [];
    try {
      const cold = [];
      const remote = [];
      for (let i = 0; i < runs; i++) {
        const registry = `127.0.0.1:5000/kiln-bench-remote-${Date.now()}`;
        const env = { ...turboEnv, ...server.env, KILN_PLATFORMS: "linux/amd64", KILN_REGISTRY: registry, KILN_PUSH: "1" };
        const [builder, removeBuilder] = await freshClone();
        const [fresh, removeFresh] = await freshClone();
        try {
          await timed("pnpm", ["turbo", "build", "--filter=./packages/*", "--remote-only", "--output-logs=errors-only"], {
            cwd: builder,
            env,
          });
          await emptyBuildCache();
          cold.push((await build(builder, env)).ms);
          remote.push((await build(fresh, env, ["--summarize"])).ms);
          const missed = summarizedTasks(fresh).filter((task) => task.cache.status !== "HIT" || task.cache.source !== "REMOTE");
          if (missed.length > 0)
            throw new Error(`not remote cache hits in the fresh clone: ${missed.map((task) => task.taskId).join(", ")}`);
          pulled.push(await recordedPullSize(fresh, coldFamily));
        } finally {
          removeBuilder();
          removeFresh();
          await removeLocalImages(`${registry}/`);
        }
      }
      const ratio = summarize(remote).median / summarize(cold).median;
      return [
        row("9 remote cache", "fresh clone, turbo build from the remote cache", summarize(remote), {
          ratio,
          target: "reported",
          met: true,
          note: `${coldFamily.length} images, linux/amd64, every task a remote hit; pulling their images into an empty store then downloads ${(summarize(pulled).median / 1e6).toFixed(1)} MB (compressed, shared layers once)`,
        }),
        row("9 remote cache", "fresh clone, cold build (empty BuildKit cache), pushed", summarize(cold), {
          note: "kiln's own packages built before, untimed",
        }),
      ];
    } finally {
      stopServer();
    }
  },
};

/**
 * A clone of the committed repository with its dependencies installed offline from pnpm's store,
 * and the function that deletes it (also run if the bench is stopped).
 */
async function freshClone() {
  const clone = mkdtempSync(path.join(tmpdir(), "kiln-bench-clone-"));
  const remove = atExit(() => rmSync(clone, { recursive: true, force: true }));
  await timed("git", ["clone", "-q", repositoryRoot, clone]);
  await timed("pnpm", ["install", "--offline", "--frozen-lockfile"], { cwd: clone });
  return [clone, remove];
}

/** The tasks of the one run `turbo --summarize` recorded in a clone's .turbo/runs/. */
function summarizedTasks(clone) {
  const dir = path.join(clone, ".turbo/runs");
  const [file, ...more] = readdirSync(dir).filter((name) => name.endsWith(".json"));
  if (!file || more.length > 0) throw new Error(`expected one run summary in ${dir}`);
  return JSON.parse(readFileSync(path.join(dir, file), "utf8")).tasks;
}

/**
 * What pulling the images the records name downloads into an empty store: the compressed config
 * and layers of each recorded platform manifest, a layer the images share (the base) counted once.
 */
async function recordedPullSize(clone, names) {
  const blobs = new Map();
  for (const name of names) {
    const record = JSON.parse(readFileSync(path.join(clone, `images/${name}/dist/build.json`), "utf8"));
    for (const entry of record.manifests) {
      const reference = `${record.location.repository}@${entry.digest}`;
      const manifest = JSON.parse((await docker(["buildx", "imagetools", "inspect", "--raw", reference])).stdout);
      for (const blob of [manifest.config, ...manifest.layers]) blobs.set(blob.digest, blob.size);
    }
  }
  return [...blobs.values()].reduce((sum, size) => sum + size, 0);
}

/** Removes the local store's images under a repository prefix (what the docker driver keeps of a push). */
async function removeLocalImages(prefix) {
  const listed = await docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]);
  const ours = listed.stdout.split("\n").filter((reference) => reference.startsWith(prefix));
  if (ours.length > 0) await docker(["image", "rm", "--force", ...ours]);
}

/** Runs `attempt` until it succeeds, at most `times` times; the last failure is thrown. */
async function withRetries(times, attempt) {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= times) throw error;
      process.stderr.write(`bench: retrying after: ${String(error.message).split("\n")[0]}\n`);
    }
  }
}

/** Drops BuildKit's whole build cache, so the next build starts from nothing. Not timed. */
const emptyBuildCache = () => docker(["buildx", "prune", "--all", "--force"]);

/**
 * Removes the Turborepo cache entries of these images' build tasks (found by a dry run with the
 * bench's environment, which is part of the hash), so the next `turbo build` runs them again
 * while every other task stays a cache hit. `--force` would rebuild kiln's own packages too.
 */
async function forgetTurboBuilds(names) {
  const filters = names.map((name) => `--filter=${name}`);
  const dry = await timed("pnpm", ["-s", "turbo", "run", "build", ...filters, "--dry=json"], { cwd: repositoryRoot, env: turboEnv });
  const cacheDir = path.join(repositoryRoot, ".turbo/cache");
  for (const task of JSON.parse(dry.stdout).tasks) {
    if (task.task !== "build" || !names.includes(task.package)) continue;
    for (const entry of readdirSync(cacheDir).filter((name) => name.startsWith(task.hash)))
      rmSync(path.join(cacheDir, entry), { force: true });
  }
}

/** Sum of compressed layer sizes per platform, from the registry's manifests. */
async function compressedSizes(reference) {
  const index = JSON.parse((await docker(["buildx", "imagetools", "inspect", "--raw", reference])).output);
  const sizes = {};
  for (const entry of index.manifests ?? []) {
    if (!entry.platform || entry.platform.os === "unknown") continue;
    const manifest = JSON.parse(
      (await docker(["buildx", "imagetools", "inspect", "--raw", `${reference.split(":").slice(0, -1).join(":")}@${entry.digest}`])).output,
    );
    sizes[`${entry.platform.os}/${entry.platform.architecture}`] = manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
  }
  return sizes;
}

/**
 * The result of a `kiln build` of `asked`, refused when kiln built a parent first (it says
 * "building it first"): that sample would time the parent too, not what the scenario names.
 */
function onlyAsked(result, asked) {
  const rebuilt = result.output.split("\n").filter((line) => line.endsWith("building it first"));
  if (rebuilt.length > 0)
    throw new Error(`kiln build ${asked} built a parent first, so the sample is not of ${asked} alone:\n${rebuilt.join("\n")}`);
  return result;
}

function row(scenario, subject, stats, extra = {}) {
  return { scenario, subject, ...stats, unit: "ms", ...extra };
}
