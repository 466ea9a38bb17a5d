import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { platforms, TestContainers } from "./containers.js";
import { debianFamily, reachableFamilies } from "./bases.js";
import { engineForE2e } from "./engine.js";
import { buildImages, expectImageTestsPass } from "./kiln.js";

/**
 * Issue 4's init contract on debian-init, both platforms: startup scripts in order and fatal,
 * supervised services, the main-command mode, ordered shutdown with hooks, byte-exact environment
 * dumps. Scripts, a service and hooks are mounted, as a user of the image would add them.
 * Issue 12's phusion idioms too, on an image derived the way the write-up derives one: a build
 * step writing /etc/container_environment/MY_NAME, `my_init -- bash -l`, /etc/rc.local, logrotate.
 */
const engine = await engineForE2e();
// debian-init always; ubuntu-init and alpine-init wherever their bases are reachable. Without an
// engine the Debian suite is listed and skipped, so the skip is reported.
const families = engine.available ? await reachableFamilies() : [debianFamily];
const containers = new TestContainers();
const work = mkdtempSync(path.join(tmpdir(), "kiln-e2e-init-"));

function script(relative: string, body: string): void {
  const file = path.join(work, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

const mounts = [
  ...["-v", `${path.join(work, "my_init.d")}:/etc/my_init.d:ro`],
  ...["-v", `${path.join(work, "rc.local")}:/etc/rc.local:ro`],
  ...["-v", `${path.join(work, "service/demo")}:/etc/service/demo:ro`],
  ...["-v", `${path.join(work, "pre")}:/etc/my_init.pre_shutdown.d:ro`],
  ...["-v", `${path.join(work, "post")}:/etc/my_init.post_shutdown.d:ro`],
];

beforeAll(() => {
  script("my_init.d/05-env", 'printf %s "$MY_NAME" > /run/startup-name');
  script("my_init.d/10-a", "echo a >> /run/order");
  script("my_init.d/20-b", "echo b >> /run/order");
  script("rc.local", "echo rc.local >> /run/order");
  script("service/demo/run", 'echo service >> /run/order\nprintf %s "$MY_NAME" > /run/service-name\nexec sleep 1000');
  // To stderr, as my_init and sv write: the order of lines is only kept within one stream.
  script("pre/10-pre", "echo pre-shutdown ran >&2");
  script("post/10-post", "echo post-shutdown ran >&2");
  script("failing/50-fail", "exit 3");
});

afterAll(async () => {
  await containers.removeAll();
  rmSync(work, { recursive: true, force: true });
});

for (const { distro, loginShell } of families)
  describe.skipIf(!engine.available)(`${distro}-init`, () => {
    const name = `${distro}-init`;
    const baseImage = `kiln.local/${name}:0.1.0`;
    const image = `kiln.local/phusion-e2e-${distro}:${process.pid}`;

    beforeAll(async () => {
      await buildImages([`${distro}-base`, name]);
      // The write-up's own idiom, in a Dockerfile of a user's: a RUN writing the central environment.
      const derived = await execute(
        { command: "docker", args: ["build", "--platform", platforms.map(([p]) => p).join(","), "--tag", image, "-"] },
        { input: `FROM ${baseImage}\nRUN echo Apachai Hopachai > /etc/container_environment/MY_NAME\n` },
      );
      expect(derived.exitCode, derived.stderr).toBe(0);
    });

    afterAll(async () => {
      await containers.removeAll();
      await containers.docker(["image", "rm", image]);
    });

    test(`kiln test ${name} passes on both platforms (health, env dump modes, setuser, logrotate, zombies, stop)`, async () => {
      await expectImageTestsPass(name, [
        "logrotate accepts the configuration, distro rules included",
        "orphaned zombies are reaped",
        "the environment dumps are readable by root and docker_env only",
        "setuser runs a command as the user, with its HOME",
        "the sshd service is off by default",
      ]);
    });

    describe.each(platforms)("on %s", (platform) => {
      let id: string;

      beforeAll(async () => {
        id = await containers.start(["--platform", platform, ...mounts, image]);
        await containers.waitHealthy(id);
      });

      test("startup scripts 10-a and 20-b, then /etc/rc.local, run in that order, before the first service", async () => {
        const order = await containers.docker(["exec", id, "cat", "/run/order"]);
        expect(order.stdout).toBe("a\nb\nrc.local\nservice\n");
      });

      test("a value a build step wrote to /etc/container_environment reaches startup scripts and services", async () => {
        const seen = await containers.docker([
          "exec",
          id,
          "sh",
          "-c",
          'printf "%s|%s" "$(cat /run/startup-name)" "$(cat /run/service-name)"',
        ]);
        expect(seen.stdout).toBe("Apachai Hopachai|Apachai Hopachai");
      });

      test("logrotate rotates a service's log under /var/log/service, and its own service is up", async () => {
        const rotated = await containers.docker([
          ...["exec", id, "sh", "-c"],
          "mkdir -p /var/log/service && echo line > /var/log/service/demo.log && logrotate -f /etc/logrotate.conf && ls /var/log/service && sv status logrotate",
        ]);
        expect(rotated.exitCode, rotated.stderr).toBe(0);
        expect(rotated.stdout).toMatch(/^demo\.log\.1$/m);
        expect(rotated.stdout).toMatch(/^run: logrotate:/m);
      });

      test("a killed service gets a new PID within 2 s", async () => {
        const pidOf = async () => /\(pid (\d+)\)/.exec((await containers.docker(["exec", id, "sv", "status", "demo"])).stdout)?.[1];
        const before = await pidOf();
        expect(before).toMatch(/^\d+$/);
        await containers.docker(["exec", id, "kill", "-9", before as string]);
        const killedAt = Date.now();
        const after = await containers.waitFor("a new demo PID", 2, async () => {
          const pid = await pidOf();
          return pid && pid !== before ? pid : undefined;
        });
        expect(after).not.toBe(before);
        expect(Date.now() - killedAt).toBeLessThan(2000);
      });

      test("docker stop runs the pre- and post-shutdown hooks in order, in under 10 s, without SIGKILL", async () => {
        const started = Date.now();
        await containers.docker(["stop", id]);
        const seconds = (Date.now() - started) / 1000;
        expect(seconds).toBeLessThan(10);
        expect((await containers.state(id)).ExitCode).toBe(0);
        const log = (await containers.docker(["logs", id])).stderr;
        const at = (text: string) => log.indexOf(text);
        expect(at("pre-shutdown ran")).toBeGreaterThan(at("my_init: shutting down"));
        expect(at("ok: down: /run/service/demo")).toBeGreaterThan(at("pre-shutdown ran"));
        expect(at("post-shutdown ran")).toBeGreaterThan(at("ok: down: /run/service/demo"));
        expect(at("my_init: stopped")).toBeGreaterThan(at("post-shutdown ran"));
      });

      test("a startup script exiting 3 stops the container with exit code 3, before any service", async () => {
        const failed = await containers.run(["--platform", platform, "-v", `${path.join(work, "failing")}:/etc/my_init.d:ro`, image]);
        expect(failed.exitCode).toBe(3);
        expect(failed.stderr).toContain("/etc/my_init.d/50-fail failed with exit code 3; stopping the container");
        expect(failed.stderr).not.toContain("init done");
      });

      test.each([["my_init"], ["/sbin/my_init"]])(
        "docker run IMG %s -- bash -l runs one my_init, the services around bash, and the build-time environment in it",
        async (init) => {
          const run = await containers.run([
            ...["--platform", platform, image, init, "--", loginShell, "-l", "-c"],
            'sleep 1; printf "<<%s|%s|%s>>" "$MY_NAME" "$(grep -lx my_init /proc/[0-9]*/comm | wc -l)" "$(sv status syslog | cut -d: -f1)"',
          ]);
          expect(run.exitCode, run.stderr).toBe(0);
          expect(/<<([^>]*)>>/.exec(run.stdout)?.[1]).toBe("Apachai Hopachai|1|run");
        },
      );

      test("docker run -e overrides the build-time environment; phusion's --skip-startup-files skips the scripts", async () => {
        const run = await containers.run([
          ...["--platform", platform, "-e", "MY_NAME=from run", ...mounts.slice(0, 2), image, "my_init", "--skip-startup-files", "--"],
          ...["sh", "-c", 'printf "<<%s|%s>>" "$MY_NAME" "$(cat /run/order 2>/dev/null || echo none)"'],
        ]);
        expect(run.exitCode, run.stderr).toBe(0);
        expect(/<<([^>]*)>>/.exec(run.stdout)?.[1]).toBe("from run|none");
      });

      test("--enable-insecure-key is refused with exit 64: no insecure key ships", async () => {
        const run = await containers.run(["--platform", platform, image, "my_init", "--enable-insecure-key"]);
        expect(run.exitCode).toBe(64);
        expect(run.stderr).toContain("this image ships no insecure key");
      });

      test("docker run IMG sh -c 'exit 5' runs the command with the services around it and exits 5", async () => {
        const run = await containers.run(["--platform", platform, image, "sh", "-c", "sv status cron >&2; exit 5"]);
        expect(run.exitCode).toBe(5);
        expect(run.stderr).toContain("my_init: init done.");
      });

      test("values with quotes and newlines round-trip byte-exact through the .sh and .json dumps", async () => {
        const foo = "a b'c";
        const bar = "x\ny";
        const run = await containers.run([
          ...["--platform", platform, "-e", `FOO=${foo}`, "-e", `BAR=${bar}`, image],
          ...[
            "env",
            "-u",
            "FOO",
            "-u",
            "BAR",
            "sh",
            "-c",
            '. /etc/container_environment.sh; out=$(printf "%s|%s#" "$FOO" "$BAR"; jq -j \'.FOO + "|" + .BAR\' /etc/container_environment.json; printf "#"; cat /run/container_environment/BAR); printf "<<%s>>" "$out"',
          ],
        ]);
        expect(run.exitCode, run.stderr).toBe(0);
        // The services share this stdout. One small printf is one atomic pipe write, so their lines
        // cannot land inside the markers.
        expect(/<<([\s\S]*)>>/.exec(run.stdout)?.[1]).toBe(`${foo}|${bar}#${foo}|${bar}#${bar}`);
      });
    });
  });
