import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute, type BuildPlan } from "@kiln/core";
import { debianBaseMirror, engineForE2e, loopbackRegistry } from "./engine.js";
import { kiln, repositoryRoot } from "./kiln.js";
import { startPrivateEngine } from "./private-engine.js";

/**
 * Issue 3's contract, on the real engine: Turborepo builds the Debian family in order for both
 * platforms through the registry mirror, caches it, rebuilds only what changed, and kiln tests,
 * pushes and bakes the same images.
 */
const engine = await engineForE2e();
const env = { KILN_MIRROR: debianBaseMirror };

function turbo(args: string[]) {
  return execute(
    { command: "pnpm", args: ["turbo", ...args, "--output-logs=new-only", "--ui=stream"] },
    { cwd: repositoryRoot, env: { ...env, TURBO_TELEMETRY_DISABLED: "1" } },
  );
}
function docker(args: string[]) {
  return execute({ command: "docker", args });
}

/** The layers (compressed size, media type) of one platform's manifest, read from the registry. */
async function registryLayers(reference: string, platform: string): Promise<{ size: number; mediaType: string }[]> {
  const raw = async (ref: string) => {
    const result = await docker(["buildx", "imagetools", "inspect", "--raw", ref]);
    expect(result.exitCode, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };
  const index = await raw(reference);
  const [os, architecture] = platform.split("/");
  const entry = index.manifests.find(
    (m: { platform?: { os: string; architecture: string } }) => m.platform?.os === os && m.platform?.architecture === architecture,
  );
  expect(entry, `${reference} has no ${platform} manifest`).toBeDefined();
  const manifest = await raw(`${reference.replace(/:[^:/]+$/, "")}@${entry.digest}`);
  return manifest.layers;
}
const layerSizes = async (reference: string, platform: string) => (await registryLayers(reference, platform)).map((layer) => layer.size);
const layerMediaTypes = async (reference: string, platform: string) =>
  (await registryLayers(reference, platform)).map((layer) => layer.mediaType);

describe.skipIf(!engine.available)("building the Debian family", () => {
  beforeAll(async () => {
    const first = await turbo(["build", "--filter=debian-nginx"]);
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
  });

  test("pnpm turbo build --filter=debian-nginx built debian-base, then debian-nginx, for both platforms", async () => {
    for (const name of ["debian-base", "debian-nginx"]) {
      const record = JSON.parse(readFileSync(path.join(repositoryRoot, `images/${name}/dist/build.json`), "utf8"));
      expect(record).toMatchObject({ image: name, platforms: ["linux/amd64", "linux/arm64"], output: "load" });
      expect(record.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      for (const [platform, machine] of [
        ["linux/amd64", "x86_64"],
        ["linux/arm64", "aarch64"],
      ] as const) {
        const run = await docker(["run", "--rm", "--platform", platform, "--entrypoint", "uname", `kiln.local/${name}:0.1.0`, "-m"]);
        expect(run.stdout.trim(), run.stderr).toBe(machine);
      }
    }
  });

  test("children of debian-base share one package index step (BuildKit's merge key), a child of another parent does not", async () => {
    // An image's index stage alone, for amd64, with the contexts and secrets kiln plans for it:
    // the digest of its RUN vertex is what BuildKit merges concurrent builds and finds its cache by.
    const indexStep = async (image: string): Promise<string> => {
      const planned = await kiln(["build", image, "--dry-run", "--json"], { env });
      expect(planned.exitCode, planned.stderr).toBe(0);
      const [plan] = JSON.parse(planned.stdout) as BuildPlan[];
      if (!plan) throw new Error(`${image}: kiln planned no build`);
      const args = ["buildx", "build", "--file", plan.dockerfile, "--platform", "linux/amd64", "--target", "kiln-indexes"];
      for (const [name, value] of Object.entries(plan.buildContexts)) args.push("--build-context", `${name}=${value}`);
      for (const [name, value] of Object.entries(plan.buildArgs)) args.push("--build-arg", `${name}=${value}`);
      for (const [id, file] of Object.entries(plan.secrets)) args.push("--secret", `id=${id},src=${file}`);
      args.push("--output", "type=cacheonly", "--progress", "rawjson", plan.context);
      const build = await execute({ command: "docker", args }, { cwd: repositoryRoot });
      expect(build.exitCode, build.stderr.slice(-3000)).toBe(0);
      const digests = new Set<string>();
      // rawjson is a stream of indented JSON objects, each starting with a "{" line.
      for (const object of build.stderr.split(/\n(?=\{\n)/)) {
        if (!object.startsWith("{")) continue;
        for (const vertex of JSON.parse(object).vertexes ?? [])
          if (/^\[kiln-indexes \d\/\d\] RUN /.test(vertex.name)) digests.add(vertex.digest);
      }
      expect([...digests], `${image}: the index stage's RUN in:\n${build.stderr.slice(-2000)}`).toHaveLength(1);
      return [...digests][0] as string;
    };
    const nginx = await indexStep("debian-nginx");
    expect(await indexStep("debian-ssh")).toBe(nginx);
    // debian-memcached's parent is debian-init: other sources, another step.
    expect(await indexStep("debian-memcached")).not.toBe(nginx);
  });

  test("kiln test passes on both platforms of both images", async () => {
    const result = await kiln(["test", "debian-base", "debian-nginx"]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    for (const line of [
      "✓ debian-nginx linux/arm64  uname -m is the linux/arm64 machine",
      "✓ debian-nginx linux/arm64  the health status becomes healthy",
      "✓ debian-base linux/arm64  orphaned zombies are reaped",
      "✓ debian-nginx linux/amd64  docker stop ends nginx gracefully",
    ]) {
      expect(result.stdout).toContain(line);
    }
  });

  test("a second turbo build is a full cache hit and runs no buildx", async () => {
    const again = await turbo(["build", "--filter=debian-nginx"]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/debian-nginx:build: cache hit/);
    expect(again.stdout).toMatch(/debian-base:build: cache hit/);
    expect(again.stdout).toContain("FULL TURBO");
    expect(again.stdout).not.toContain("docker buildx");
  });

  test("an image missing after a cache hit is detected and rebuilt, not trusted", async () => {
    const removed = await docker(["image", "rm", "kiln.local/debian-nginx:0.1.0", "kiln.local/debian-nginx:local"]);
    expect(removed.exitCode, removed.stderr).toBe(0);
    const again = await turbo(["build", "--filter=debian-nginx"]);
    expect(again.stdout).toMatch(/debian-nginx:build: cache hit/);
    const result = await kiln(["test", "debian-nginx"], { env });
    expect(result.exitCode, result.stderr.slice(-2000)).toBe(0);
    expect(result.stderr).toContain("not in the local image store (a Turborepo cache hit without the image?): debian-nginx; building");
  });

  test("debian-base's trimmed base has no changelogs, manual pages or translations, keeps copyright files and the excludes", async () => {
    const script = [
      "find /usr/share/doc -name 'changelog*' | wc -l",
      "find /usr/share/man /usr/share/info -type f | wc -l",
      "find /usr/share/locale -type f ! -name locale.alias | wc -l",
      "ls /usr/share/doc/*/copyright | wc -l",
      "cat /etc/dpkg/dpkg.cfg.d/kiln-excludes",
    ].join("; ");
    for (const platform of ["linux/amd64", "linux/arm64"]) {
      const run = await docker(["run", "--rm", "--platform", platform, "--entrypoint", "sh", "kiln.local/debian-base:0.1.0", "-c", script]);
      expect(run.exitCode, run.stderr).toBe(0);
      const [changelogs, manuals, translations, copyrights, ...excludes] = run.stdout.trim().split("\n");
      expect([changelogs, manuals, translations], platform).toEqual(["0", "0", "0"]);
      expect(Number(copyrights), platform).toBeGreaterThan(50);
      expect(excludes, platform).toContain("path-include=/usr/share/doc/*/copyright");
    }
  });

  test("arm64's installs, whose maintainer scripts ran this machine's own programs, made the certificate store amd64's native build made, and left none of them", async () => {
    // The store is the same bytes on every architecture: amd64's is built with no emulation and no lent programs.
    const store = [
      "find /etc/ssl/certs -printf '%p %l %s %m\\n' | LC_ALL=C sort | sha256sum",
      "sha256sum /etc/ssl/certs/ca-certificates.crt /etc/ca-certificates.conf",
      "find /etc/ssl/certs -type l | wc -l",
    ].join("; ");
    const leftovers =
      'for path in /lib64 /usr/lib/x86_64-linux-gnu /tmp/kiln-native-bin /tmp/kiln-dpkg-path /kiln-native; do [ ! -e "$path" ] || echo "left: $path"; done';
    for (const name of ["debian-base", "debian-nginx"]) {
      const runs = await Promise.all(
        ["linux/amd64", "linux/arm64"].map((platform) =>
          docker(["run", "--rm", "--platform", platform, "--user", "root", "--entrypoint", "sh", `kiln.local/${name}:0.1.0`, "-c", store]),
        ),
      );
      for (const run of runs) expect(run.exitCode, run.stderr).toBe(0);
      const [amd64, arm64] = runs.map((run) => run.stdout);
      expect(Number(arm64?.trim().split("\n").at(-1)), `${name}: links in /etc/ssl/certs`).toBeGreaterThan(200);
      expect(arm64, name).toBe(amd64);
      const left = await docker([
        "run",
        "--rm",
        "--platform",
        "linux/arm64",
        "--entrypoint",
        "sh",
        `kiln.local/${name}:0.1.0`,
        "-c",
        leftovers,
      ]);
      expect(left.exitCode, left.stderr).toBe(0);
      expect(left.stdout, name).toBe("");
    }
  });

  test("the locally built child is built on the debian-base this run built, not on the image its tag named before", async () => {
    // The child's context names debian-base by a tag of its content (0.1.0-<id>): by 0.1.0 alone,
    // BuildKit in dockerd took the previous debian-base after a rebuild (untrimmed, in this file's history).
    const layers = async (reference: string) => {
      const inspect = await docker(["image", "inspect", "--format", "{{json .RootFS.Layers}}", reference]);
      expect(inspect.exitCode, inspect.stderr).toBe(0);
      return JSON.parse(inspect.stdout) as string[];
    };
    const base = await layers("kiln.local/debian-base:0.1.0");
    expect((await layers("kiln.local/debian-nginx:0.1.0")).slice(0, base.length)).toEqual(base);
    const run = await docker([
      "run",
      "--rm",
      "--entrypoint",
      "sh",
      "kiln.local/debian-nginx:0.1.0",
      "-c",
      "find /usr/share/man -type f | wc -l",
    ]);
    expect(run.stdout.trim(), run.stderr).toBe("0");
  });

  describe("changing a file of debian-nginx", () => {
    const page = path.join(repositoryRoot, "images/debian-nginx/files/index.html");
    const original = readFileSync(page, "utf8");
    afterAll(() => writeFileSync(page, original));

    test("rebuilds debian-nginx only, and leaves its parent's tags alone", async () => {
      appendFileSync(page, `<!-- e2e change ${Date.now()} -->\n`);
      const since = Date.now() / 1000;
      const result = await turbo(["build", "--filter=debian-nginx"]);
      const until = Date.now() / 1000 + 1;
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/debian-base:build: cache hit/);
      expect(result.stdout).toMatch(/debian-nginx:build: cache miss, executing/);
      // debian-base already has the tag of its content from the family's build: the child names
      // it by that tag without tagging it again (the engine logs every tag, even a repeated one).
      const events = await docker([
        "events",
        "--since",
        since.toFixed(3),
        "--until",
        until.toFixed(3),
        "--filter",
        "type=image",
        "--filter",
        "event=tag",
        "--format",
        "{{.Actor.Attributes.name}}",
      ]);
      expect(events.exitCode, events.stderr).toBe(0);
      expect(events.stdout.split("\n").filter((name) => name.startsWith("kiln.local/debian-base:"))).toEqual([]);
      expect(result.stdout).toMatch(/load metadata for kiln\.local\/debian-base:0\.1\.0-[0-9a-f]{12}/);
      writeFileSync(page, original);
    });
  });

  test("a local build stores the layers it makes with zstd, and keeps the base's as they were", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kiln-e2e-save-"));
    try {
      const saved = await execute({ command: "sh", args: ["-c", `docker save kiln.local/debian-nginx:0.1.0 | tar -x -C "${dir}"`] });
      expect(saved.exitCode, saved.stderr).toBe(0);
      const blob = (digest: string) => JSON.parse(readFileSync(path.join(dir, "blobs", "sha256", digest.replace(/^sha256:/, "")), "utf8"));
      const [index] = (JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8")) as { manifests: { digest: string }[] }).manifests;
      const platforms = (blob(index!.digest) as { manifests: { digest: string; platform: { architecture: string } }[] }).manifests.filter(
        (entry) => entry.platform.architecture !== "unknown",
      );
      expect(platforms.map((entry) => entry.platform.architecture).sort()).toEqual(["amd64", "arm64"]);
      for (const entry of platforms) {
        const layers = (blob(entry.digest) as { layers: { mediaType: string }[] }).layers.map((layer) => layer.mediaType);
        // The first layer is the trimmed Debian base debian-base copies in; nginx's are the last.
        expect(layers.at(-1), entry.platform.architecture).toBe("application/vnd.oci.image.layer.v1.tar+zstd");
        expect(
          layers.filter((type) => !/tar\+(gzip|zstd)$/.test(type)),
          entry.platform.architecture,
        ).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const registry = `${loopbackRegistry}/kiln-e2e-${Date.now()}`;
  test("kiln build --push pushes a multi-platform index to the registry", async () => {
    const result = await kiln(["build", "debian-base", "debian-nginx", "--push", "--registry", registry, "--progress", "plain"], { env });
    expect(result.exitCode, result.stderr.slice(-3000)).toBe(0);
    const inspect = await docker(["buildx", "imagetools", "inspect", `${registry}/debian-nginx:0.1.0`]);
    expect(inspect.exitCode, inspect.stderr).toBe(0);
    expect(inspect.stdout).toContain("linux/amd64");
    expect(inspect.stdout).toContain("linux/arm64");
    const record = JSON.parse(readFileSync(path.join(repositoryRoot, "images/debian-nginx/dist/build.json"), "utf8"));
    // --push goes through the publish plan: up by digest, then tagged (issue 14's one path).
    expect(record.output).toBe("push-by-digest");
    expect(record.manifests.map((m: { platform: string }) => m.platform)).toEqual(["linux/amd64", "linux/arm64"]);
    // The docker driver stored each image under its staging reference to push it; kiln removed that
    // tag once the push was over, and the staging repository in the registry has the image.
    const revision = (await execute({ command: "git", args: ["rev-parse", "HEAD"] }, { cwd: repositoryRoot })).stdout.trim();
    for (const name of ["debian-base", "debian-nginx"]) {
      const staging = `${registry}/kiln-staging/${name}:0.1.0-${revision.slice(0, 7)}`;
      expect(result.stderr).toContain(`removed the local staging tag ${staging}`);
      expect((await docker(["image", "inspect", staging])).exitCode, `${staging} is gone from the local store`).not.toBe(0);
      const pushed = await docker(["buildx", "imagetools", "inspect", staging]);
      expect(pushed.exitCode, pushed.stderr).toBe(0);
    }
    // The compressed size per platform, read back from the registry, reaches the catalog's data.
    const catalog = await kiln(["catalog"], { env });
    expect(catalog.exitCode, catalog.stderr).toBe(0);
    const nginx = JSON.parse(catalog.stdout).images.find((image: { name: string }) => image.name === "debian-nginx");
    expect(Object.keys(nginx.build.sizes)).toEqual(["linux/amd64", "linux/arm64"]);
    for (const bytes of Object.values<number>(nginx.build.sizes)) expect(bytes).toBeGreaterThan(10 * 1024 * 1024);
  });

  test("pushed layers are gzip, although the local builds before left zstd ones in BuildKit's cache", async () => {
    for (const name of ["debian-base", "debian-nginx"]) {
      for (const platform of ["linux/amd64", "linux/arm64"]) {
        const types = await layerMediaTypes(`${registry}/${name}:0.1.0`, platform);
        expect(types.length, `${name} ${platform}`).toBeGreaterThan(1);
        expect(new Set(types), `${name} ${platform}`).toEqual(new Set(["application/vnd.oci.image.layer.v1.tar+gzip"]));
      }
    }
  });

  test("the pushed debian-base's base layer is at least 10 MB smaller than the upstream base's, and no layer is added", async () => {
    const dockerfile = readFileSync(path.join(repositoryRoot, "images/debian-base/Dockerfile"), "utf8");
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    // kiln's own layers: each RUN, COPY and WORKDIR of the image's stage, less the COPY of the trimmed base.
    const ownLayers = (finalStage.match(/^(RUN|COPY|WORKDIR) /gm) ?? []).length - 1;
    for (const platform of ["linux/amd64", "linux/arm64"]) {
      const upstream = await layerSizes(`${loopbackRegistry}/library/debian:bookworm`, platform);
      const trimmed = await layerSizes(`${registry}/debian-base:0.1.0`, platform);
      expect(trimmed.length, platform).toBeLessThanOrEqual(upstream.length + ownLayers);
      const upstreamTotal = upstream.reduce((a, b) => a + b, 0);
      expect(trimmed[0]!, `${platform}: ${trimmed[0]} against ${upstreamTotal}`).toBeLessThanOrEqual(upstreamTotal - 10 * 1000 * 1000);
    }
  });

  test("apt-get install in the pushed child still works and leaves out the same files", async () => {
    // debian-nginx installs nginx with apt on the trimmed debian-base: its files are there, its docs are not.
    // The pushed images, as a registry serves them: the push builds the child FROM its parent by digest.
    const script =
      "command -v nginx; ls /usr/share/doc/nginx/copyright; find /usr/share/man /usr/share/doc/nginx -type f ! -name copyright | wc -l";
    for (const platform of ["linux/amd64", "linux/arm64"]) {
      const run = await docker([
        "run",
        "--rm",
        "--pull",
        "always",
        "--platform",
        platform,
        "--entrypoint",
        "sh",
        `${registry}/debian-nginx:0.1.0`,
        "-c",
        script,
      ]);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stdout.trim().split("\n"), platform).toEqual(["/usr/sbin/nginx", "/usr/share/doc/nginx/copyright", "0"]);
    }
    const pushedBase = await layerSizes(`${registry}/debian-base:0.1.0`, "linux/amd64");
    const pushedChild = await layerSizes(`${registry}/debian-nginx:0.1.0`, "linux/amd64");
    expect(pushedChild.slice(0, pushedBase.length)).toEqual(pushedBase);
    await docker(["image", "rm", `${registry}/debian-nginx:0.1.0`]);
  });

  test("kiln build --push for the foreign platform alone pushes the parent with the engine's platform too, and the child builds on it", async () => {
    // The child's package fetch stage runs FROM its parent on the engine's platform: the parent's
    // pushed index needs that platform even when the run asks for the other one only.
    const engineVersion = await docker(["version", "--format", "{{.Server.Os}}/{{.Server.Arch}}"]);
    const enginePlatform = engineVersion.stdout.trim();
    const foreign = enginePlatform === "linux/amd64" ? "linux/arm64" : "linux/amd64";
    const target = `${registry}-foreign`;
    // --dry-run asks the engine for its platform in such a narrowed run and prints what runs.
    for (const output of [["--push", "--registry", target], []]) {
      const dry = await kiln(["build", "debian-base", "debian-nginx", ...output, "--platform", foreign, "--dry-run"], { env });
      expect(dry.exitCode, dry.stderr).toBe(0);
      const platformsPrinted = (file: string) =>
        dry.stdout
          .split("\n")
          .find((line) => line.includes(`--file images/${file}/Dockerfile`))
          ?.match(/--platform (\S+)/)?.[1];
      expect(platformsPrinted("debian-base")?.split(",").sort()).toEqual([enginePlatform, foreign].sort());
      expect(platformsPrinted("debian-nginx")).toBe(foreign);
    }
    const result = await kiln(
      ["build", "debian-base", "debian-nginx", "--push", "--no-sbom", "--platform", foreign, "--registry", target, "--progress", "plain"],
      { env },
    );
    expect(result.exitCode, result.stderr.slice(-3000)).toBe(0);
    const platformsOf = async (reference: string) => {
      const raw = await docker(["buildx", "imagetools", "inspect", "--raw", reference]);
      expect(raw.exitCode, raw.stderr).toBe(0);
      return (JSON.parse(raw.stdout).manifests as { platform?: { os: string; architecture: string } }[])
        .filter((m) => m.platform?.os === "linux")
        .map((m) => `linux/${m.platform?.architecture}`)
        .sort();
    };
    expect(await platformsOf(`${target}/debian-base:0.1.0`)).toEqual([enginePlatform, foreign].sort());
    expect(await platformsOf(`${target}/debian-nginx:0.1.0`)).toEqual([foreign]);
  });

  test("docker buildx bake on the file kiln bake wrote builds debian-nginx, its parent through a target context", async () => {
    const written = await kiln(["bake", "debian-base", "debian-nginx"], { env });
    expect(written.exitCode, written.stderr).toBe(0);
    const file = JSON.parse(readFileSync(path.join(repositoryRoot, "docker-bake.json"), "utf8"));
    expect(file.target["debian-nginx"].contexts["kiln.local/debian-base:local"]).toBe("target:debian-base");
    expect(file.target["debian-base"].contexts["debian:bookworm"]).toBe(`docker-image://${loopbackRegistry}/library/debian:bookworm`);
    const bake = await execute(
      {
        command: "docker",
        args: [
          "buildx",
          "bake",
          "-f",
          "docker-bake.json",
          // Only debian-nginx is loaded: bake still builds debian-base first, through the target
          // context, but does not re-tag the kiln build of debian-base in the store under
          // kiln.local/debian-base while the child's export runs.
          "debian-nginx",
          "--set",
          "debian-nginx.tags=kiln.local/bake-nginx:e2e",
          "--load",
          "--progress",
          "plain",
        ],
      },
      { cwd: repositoryRoot },
    );
    expect(bake.exitCode, bake.stderr.slice(-3000)).toBe(0);
    const run = await docker([
      "run",
      "--rm",
      "--platform",
      "linux/arm64",
      "--entrypoint",
      "cat",
      "kiln.local/bake-nginx:e2e",
      "/data/html/index.html",
    ]);
    expect(run.stdout, run.stderr).toContain("<h1>debian-nginx</h1>");
  });

  test("kiln doctor is green on the provisioned machine", async () => {
    const result = await kiln(["doctor", "--registry", loopbackRegistry]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ok +builder: default \(driver docker, containerd image store\)/m);
    expect(result.stdout).toMatch(/^ok +emulation linux\/arm64: qemu-aarch64 registered \(flags F\)/m);
  });

  test("kiln doctor names the missing piece when arm64 emulation is off", async () => {
    // binfmt_misc is one table for the whole kernel, so the handler is hidden, not disabled: kiln
    // doctor runs in a mount namespace of its own where an empty tmpfs covers binfmt_misc.
    const kilnBin = path.join(repositoryRoot, "packages/cli/bin/kiln.js");
    const result = await execute(
      {
        command: "unshare",
        args: [
          "--mount",
          "--propagation",
          "private",
          "sh",
          "-c",
          'mount -t tmpfs none /proc/sys/fs/binfmt_misc && exec "$0" "$@"',
          process.execPath,
          kilnBin,
          "doctor",
        ],
      },
      { cwd: repositoryRoot },
    );
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^FAIL +emulation linux\/arm64: no binfmt handler qemu-aarch64 registered/m);
    expect(result.stdout).toContain("fix: install QEMU user emulation");
    const machine = await kiln(["doctor"]);
    expect(machine.stdout, "the machine's own handler is untouched").toMatch(/^ok +emulation linux\/arm64/m);
  });

  test("with the engine stopped, kiln build says no image was built (exit 0), and exits 3 with --require-engine", async () => {
    // A private dockerd, started and then stopped: the machine's engine keeps running for everyone else.
    const engine = await startPrivateEngine();
    // The same engine as a docker context, in a docker configuration of the test's own.
    const config = mkdtempSync(path.join(tmpdir(), "kiln-e2e-docker-config-"));
    try {
      for (const args of [
        ["context", "create", "kiln-e2e", "--docker", `host=${engine.host}`],
        ["context", "use", "kiln-e2e"],
      ]) {
        const made = await docker(["--config", config, ...args]);
        expect(made.exitCode, made.stderr).toBe(0);
      }
      const byContext = { ...env, DOCKER_CONFIG: config };
      const up = await kiln(["doctor"], { env: { ...env, DOCKER_HOST: engine.host } });
      expect(up.stdout).toMatch(/^ok +engine: Docker Engine/m);
      const upByContext = await kiln(["doctor"], { env: byContext });
      expect(upByContext.stdout).toContain(`engine: Docker Engine`);
      expect(upByContext.stdout).toContain(` at ${engine.host} (context kiln-e2e)`);
      await engine.stop();
      const soft = await kiln(["build", "debian-nginx"], { env: { ...env, DOCKER_HOST: engine.host } });
      expect(soft.exitCode, soft.stderr).toBe(0);
      expect(soft.stderr).toMatch(/no image was built: .*refused|no image was built: no Docker engine socket/);
      const hard = await kiln(["build", "debian-nginx", "--require-engine"], { env: { ...env, DOCKER_HOST: engine.host } });
      expect(hard.exitCode).toBe(3);
      // The context's engine is down while the machine's runs: kiln asks the one buildx would use.
      const downByContext = await kiln(["build", "debian-nginx", "--require-engine"], { env: byContext });
      expect(downByContext.exitCode, downByContext.stderr).toBe(3);
      expect(downByContext.stderr).toContain(`${engine.host} (context kiln-e2e)`);
    } finally {
      rmSync(config, { recursive: true, force: true });
      await engine.remove();
    }
  });
});
