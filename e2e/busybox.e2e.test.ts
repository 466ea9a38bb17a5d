import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { apkRepositoriesScript, execute, loadWorkspace, type ResolvedImage } from "@kiln/core";
import { runImageTests, type TestOutcome } from "@kiln/engine";
import { TestContainers } from "./containers.js";
import { engineForE2e } from "./engine.js";
import { buildImages, repositoryRoot } from "./kiln.js";

/**
 * Issue 12 item 4: every shell script an Alpine image runs, run under BusyBox ash with BusyBox's
 * applets in front of everything else on PATH, so a GNU-ism (stat --format, sed -r, grep -P, a
 * bash-only construct in #!/bin/sh) fails here although no Alpine base is reachable.
 *
 * Each Alpine image that ships scripts is paired with its Debian twin (the same features, so the
 * same scripts), which gets a layer making it BusyBox-only: Debian's busybox-static becomes
 * /bin/sh, its applets come first on PATH, and the only other programs are those BusyBox does not
 * provide (jq, sshd, nginx, runit's tools: packages on Alpine too). The Alpine definition's own
 * entrypoint, command and health check then run on it, with the Alpine definition's tests.
 * linux/amd64 only: a GNU-ism is the same on every architecture.
 */
const engine = await engineForE2e();
const containers = new TestContainers();
const platform = "linux/amd64";
const work = mkdtempSync(path.join(tmpdir(), "kiln-e2e-busybox-"));
const workspace = await loadWorkspace(repositoryRoot);
const byName = new Map(workspace.images.map((image) => [image.resolved.name, image.resolved]));
const alpineWithScripts = coveringImages(workspace.images.map((image) => image.resolved).filter((image) => image.distro.name === "alpine"));

/** Where a script comes from: two images shipping one feature's file ship the same script. */
function scriptsOf(image: ResolvedImage): string[] {
  return image.featureFiles.map((file) => path.join(file.contextDir, file.src));
}

/**
 * Few Alpine images whose scripts, together, are every script an Alpine image ships, so each runs
 * at least once (alpine-dev's ssh scripts are alpine-ssh's, and alpine-ssh runs them with its health check).
 */
function coveringImages(images: ResolvedImage[]): ResolvedImage[] {
  const left = new Set(images.flatMap(scriptsOf));
  const chosen: ResolvedImage[] = [];
  while (left.size > 0) {
    const gain = (image: ResolvedImage) => scriptsOf(image).filter((script) => left.has(script)).length;
    // Ties go to an image with a health check (it runs its health script) and fewer packages (quicker to build).
    const best = [...images].sort(
      (a, b) =>
        gain(b) - gain(a) ||
        Number(b.healthcheck !== undefined) - Number(a.healthcheck !== undefined) ||
        a.packages.length - b.packages.length,
    )[0] as ResolvedImage;
    chosen.push(best);
    for (const script of scriptsOf(best)) left.delete(script);
  }
  return chosen;
}

/**
 * Alpine ships these as packages of their own (runit; bash where an image installs it), not as BusyBox applets.
 * Debian's busybox-static prefers its applets: ash and setsid run an applet for a bare name whatever PATH
 * says, so a script must call a program that shares an applet's name (Apache's httpd) by its path.
 */
const notFromBusybox = ["bash", "chpst", "runsv", "runsvdir", "sv", "svlogd"];

/**
 * Tests of the Alpine definitions that are about the image's config or its Alpine packages rather
 * than about a script, and so cannot hold on a Debian twin: they run on the Alpine images themselves.
 */
const notAboutScripts = (test: ResolvedImage["tests"][number]) =>
  test.kind === "metadata" ||
  [
    "GET / serves this image's page from /data/html",
    // Runs Alpine's /usr/sbin/httpd by path: the twin's binary is /usr/sbin/apache2.
    "the configuration is valid",
    "the tools are on PATH: bash, curl, git, jq, less, ssh, sudo, vim, ps, cc, make, python3, node",
  ].includes(test.name);

function twinOf(alpine: ResolvedImage): ResolvedImage {
  const twin = byName.get(alpine.name.replace(/^alpine-/, "debian-"));
  if (!twin) throw new Error(`${alpine.name} ships scripts but has no Debian twin to run them on under BusyBox`);
  return twin;
}

function overlayTag(alpine: ResolvedImage): string {
  return `kiln.local/busybox-e2e-${alpine.name}:${process.pid}`;
}

/** The layer that makes a Debian twin BusyBox-only, with the Alpine image's own entrypoint, command and health check. */
function overlayDockerfile(alpine: ResolvedImage, twin: ResolvedImage): string {
  const entrypoint = alpine.entrypoint ?? alpine.inherited.entrypoint ?? [];
  const cmd = alpine.cmd ?? alpine.inherited.cmd ?? [];
  const health = alpine.healthcheck;
  return [
    `FROM kiln.local/${twin.name}:0.1.0`,
    "USER root",
    "COPY --from=kiln.local/debian-init:0.1.0 /usr/bin/busybox /opt/busybox",
    "RUN set -eu; \\",
    "  mkdir -p /opt/busybox-only /opt/other; \\",
    "  /opt/busybox --install -s /opt/busybox-only; \\",
    `  for tool in ${notFromBusybox.join(" ")}; do rm -f /opt/busybox-only/$tool; done; \\`,
    "  for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do \\",
    '    for file in "$dir"/*; do \\',
    "      name=${file##*/}; \\",
    '      if [ -f "$file" ] && [ -x "$file" ] && [ ! -e "/opt/busybox-only/$name" ] && [ ! -e "/opt/other/$name" ]; then ln -s "$file" "/opt/other/$name"; fi; \\',
    "    done; \\",
    "  done; \\",
    "  ln -sf /opt/busybox /usr/bin/sh; \\",
    "  ln -sf /usr/bin/tini /sbin/tini",
    "ENV PATH=/opt/busybox-only:/opt/other",
    ...(health
      ? [
          `HEALTHCHECK --interval=${health.intervalSeconds}s --timeout=${health.timeoutSeconds}s --start-period=${health.startPeriodSeconds}s --start-interval=1s --retries=${health.retries} CMD ${JSON.stringify(health.test)}`,
        ]
      : []),
    `USER ${twin.user}`,
    `ENTRYPOINT ${JSON.stringify(entrypoint)}`,
    `CMD ${JSON.stringify(cmd)}`,
    "",
  ].join("\n");
}

function failures(outcomes: TestOutcome[]): string {
  return outcomes
    .filter((outcome) => !outcome.passed)
    .map((outcome) => `${outcome.name}: ${outcome.detail ?? ""}`)
    .join("\n");
}

describe.skipIf(!engine.available)("Alpine images' scripts under BusyBox only", () => {
  beforeAll(async () => {
    const twins = [...new Set(alpineWithScripts.map((alpine) => twinOf(alpine).name))];
    // Parents first: debian-base, then debian-init (which also provides busybox-static), then the rest.
    await buildImages(["debian-base", "debian-init", ...twins.filter((name) => name !== "debian-init")]);
    for (const alpine of alpineWithScripts) {
      const built = await execute(
        { command: "docker", args: ["build", "--platform", platform, "--tag", overlayTag(alpine), "-"] },
        { input: overlayDockerfile(alpine, twinOf(alpine)) },
      );
      if (built.exitCode !== 0) throw new Error(`the BusyBox layer on ${twinOf(alpine).name} failed:\n${built.stderr.slice(-3000)}`);
    }
  });

  afterAll(async () => {
    await containers.removeAll();
    for (const alpine of alpineWithScripts) await containers.docker(["image", "rm", overlayTag(alpine)]);
    rmSync(work, { recursive: true, force: true });
  });

  test("the images run here ship, together, every script of every Alpine image", () => {
    const everyScript = new Set(
      workspace.images.filter((image) => image.resolved.distro.name === "alpine").flatMap((image) => scriptsOf(image.resolved)),
    );
    const covered = new Set(alpineWithScripts.flatMap(scriptsOf));
    expect([...covered].sort()).toEqual([...everyScript].sort());
    expect([...covered].map((script) => path.basename(script)).sort()).toEqual(
      expect.arrayContaining([
        "kiln-crond",
        "kiln-init-health",
        "kiln-nginx-start",
        "kiln-ssh-health",
        "kiln-ssh-prepare",
        "kiln-ssh-start",
        "my_init",
        "setuser",
      ]),
    );
  });

  test("in the BusyBox layer, sh is BusyBox ash and sed, grep, awk, stat are its applets, not GNU's", async () => {
    const alpine = alpineWithScripts[0] as ResolvedImage;
    // Debian's busybox-static has no install applet (Alpine's has): kiln-ssh-prepare's install -m runs GNU's here.
    const tools = ["sed", "grep", "awk", "stat", "cut", "tr", "head", "mktemp", "id", "wc"];
    const run = await containers.run([
      ...["--platform", platform, "--entrypoint", "/bin/sh", overlayTag(alpine), "-c"],
      `readlink /proc/$$/exe; for tool in ${tools.join(" ")}; do "$tool" --help 2>&1 | head -n 1 | cut -d ' ' -f 1; done`,
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual(["/opt/busybox", ...tools.map(() => "BusyBox")]);
  });

  for (const alpine of alpineWithScripts) {
    test(`${alpine.name}'s own tests pass on ${twinOf(alpine).name} with BusyBox only`, async () => {
      const tests = alpine.tests.filter((t) => !notAboutScripts(t));
      const ports = [
        ...new Set([
          ...alpine.ports.map((p) => `${p.port}/${p.protocol}`),
          ...tests.flatMap((t) => (t.kind === "http" ? [`${t.port}/tcp`] : [])),
        ]),
      ];
      const report = await runImageTests([
        { name: alpine.name, reference: overlayTag(alpine), platforms: [platform], tests, ports, env: alpine.testEnv },
      ]);
      expect(failures(report.outcomes)).toBe("");
      // Every test ran, plus the platform check.
      expect(report.outcomes.filter((outcome) => outcome.passed).length).toBe(tests.length + 1);
    });
  }

  test("my_init runs as a BusyBox ash script and stops in order; its env dump, setuser and a startup script work", async () => {
    const scripts = path.join(work, "my_init.d");
    mkdirSync(scripts);
    writeFileSync(path.join(scripts, "10-probe"), '#!/bin/sh\nprintf "%s" "$(readlink /proc/$$/exe)" > /run/startup-shell\n', {
      mode: 0o755,
    });
    const id = await containers.start([
      "--platform",
      platform,
      "-v",
      `${scripts}:/etc/my_init.d:ro`,
      "-e",
      "FOO=a b'c",
      overlayTag(byName.get("alpine-init") as ResolvedImage),
    ]);
    await containers.waitHealthy(id);
    const probe = await containers.docker([
      ...["exec", id, "sh", "-c"],
      'for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = my_init ] && readlink $p/exe; done; cat /run/startup-shell; echo; . /run/container_environment.sh; printf "%s\\n" "$FOO"; setuser nobody sh -c "id -un"',
    ]);
    expect(probe.stdout).toBe("/opt/busybox\n/opt/busybox\na b'c\nnobody\n");
    const started = Date.now();
    await containers.docker(["stop", id]);
    expect((Date.now() - started) / 1000).toBeLessThan(9);
    expect((await containers.state(id)).ExitCode).toBe(0);
    expect(await containers.logs(id)).toContain("my_init: stopped");
  });

  test("kiln-nginx-start's TLS branch under BusyBox: HTTPS from a mounted Let's Encrypt layout, HTTP 301", async () => {
    const live = path.join(work, "letsencrypt/live/example.test");
    mkdirSync(live, { recursive: true });
    const made = await execute({
      command: "openssl",
      args: [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=example.test",
        "-keyout",
        path.join(live, "privkey.pem"),
        "-out",
        path.join(live, "fullchain.pem"),
      ],
    });
    expect(made.exitCode, made.stderr).toBe(0);
    await execute({ command: "chmod", args: ["-R", "a+rX", path.join(work, "letsencrypt")] });
    const id = await containers.start([
      ...[
        "--platform",
        platform,
        "-p",
        "127.0.0.1::8080",
        "-p",
        "127.0.0.1::8443",
        "-v",
        `${path.join(work, "letsencrypt")}:/etc/letsencrypt:ro`,
      ],
      ...["-e", "NGINX_TLS_DOMAIN=example.test", "-e", "NGINX_HSTS_MAX_AGE=600", overlayTag(byName.get("alpine-nginx") as ResolvedImage)],
    ]);
    await containers.waitHealthy(id);
    const https = await execute({
      command: "curl",
      args: [
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "--cacert",
        path.join(live, "fullchain.pem"),
        "--resolve",
        `example.test:${await containers.hostPort(id, "8443/tcp")}:127.0.0.1`,
        `https://example.test:${await containers.hostPort(id, "8443/tcp")}/`,
      ],
    });
    expect(https.stdout, https.stderr).toBe("200");
    const http = await execute({
      command: "curl",
      args: [
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{redirect_url}",
        `http://127.0.0.1:${await containers.hostPort(id, "8080/tcp")}/a/b`,
      ],
    });
    expect(http.stdout).toMatch(/^301 https:\/\/127\.0\.0\.1\/a\/b$/);
    expect(await containers.logs(id)).toContain("kiln-nginx: HTTPS on port 8443 for example.test");
  });

  test("an ssh login with a real client through kiln-ssh-start and kiln-ssh-prepare under BusyBox", async () => {
    const key = path.join(work, "id");
    const made = await execute({ command: "ssh-keygen", args: ["-q", "-t", "ed25519", "-N", "", "-f", key] });
    expect(made.exitCode, made.stderr).toBe(0);
    const id = await containers.start([
      "--platform",
      platform,
      "-p",
      "127.0.0.1::2222",
      "-e",
      `PUBLIC_KEY=${readFileSync(`${key}.pub`, "utf8")}`,
      overlayTag(byName.get("alpine-ssh") as ResolvedImage),
    ]);
    await containers.waitHealthy(id);
    const port = await containers.hostPort(id, "2222/tcp");
    const login = await execute({
      command: "ssh",
      args: [
        ...[
          "-i",
          key,
          "-p",
          String(port),
          "-o",
          "StrictHostKeyChecking=no",
          "-o",
          "UserKnownHostsFile=/dev/null",
          "-o",
          "BatchMode=yes",
          "-o",
          "IdentitiesOnly=yes",
          "-o",
          "LogLevel=ERROR",
        ],
        ...["app@127.0.0.1", "readlink /proc/$$/exe; id -un"],
      ],
    });
    expect(login.exitCode, login.stderr).toBe(0);
    // The login shell is /bin/sh, which is BusyBox here as on Alpine.
    expect(login.stdout).toBe("/opt/busybox\napp\n");
    expect(await containers.logs(id)).toMatch(/kiln-ssh: 1 authorized key\(s\) for app/);
  });

  test("the apk repositories script of every Alpine install step runs under BusyBox ash: tags kept, a hostile mirror URL as bytes", async () => {
    const lines = apkRepositoriesScript([{ url: "edge/testing", tag: "testing" }], {
      shipped: "/tmp/repositories",
      build: "/tmp/build-repositories",
    });
    const script = [
      "printf 'https://archive.example/alpine/v3.22/main\\n' > /tmp/repositories",
      ...lines,
      'cat /tmp/repositories "$repositories"',
    ].join("\n");
    const mirror = `https://m.example/a&b\\c'd"e#f`;
    const run = await containers.run([
      "--platform",
      platform,
      "--entrypoint",
      "/bin/sh",
      "-e",
      `KILN_APK_MIRROR=${mirror}`,
      overlayTag(alpineWithScripts[0] as ResolvedImage),
      "-euc",
      script,
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      [
        "https://archive.example/alpine/v3.22/main",
        "@testing https://archive.example/alpine/edge/testing",
        `${mirror}/v3.22/main`,
        `@testing ${mirror}/edge/testing`,
        "",
      ].join("\n"),
    );
  });
});
