import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { platforms, TestContainers } from "./containers.js";
import { engineForE2e } from "./engine.js";
import { buildImages, expectImageTestsPass } from "./kiln.js";

/**
 * Issue 4's init contract on debian-init, both platforms: startup scripts in order and fatal,
 * supervised services, the main-command mode, ordered shutdown with hooks, byte-exact environment
 * dumps. Scripts, a service and hooks are mounted, as a user of the image would add them.
 */
const engine = await engineForE2e();
const image = "kiln.local/debian-init:0.1.0";
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
  ...["-v", `${path.join(work, "service/demo")}:/etc/service/demo:ro`],
  ...["-v", `${path.join(work, "pre")}:/etc/my_init.pre_shutdown.d:ro`],
  ...["-v", `${path.join(work, "post")}:/etc/my_init.post_shutdown.d:ro`],
];

describe.skipIf(!engine.available)("debian-init", () => {
  beforeAll(async () => {
    script("my_init.d/10-a", "echo a >> /run/order");
    script("my_init.d/20-b", "echo b >> /run/order");
    script("service/demo/run", "echo service >> /run/order\nexec sleep 1000");
    // To stderr, as my_init and sv write: the order of lines is only kept within one stream.
    script("pre/10-pre", "echo pre-shutdown ran >&2");
    script("post/10-post", "echo post-shutdown ran >&2");
    script("failing/50-fail", "exit 3");
    await buildImages(["debian-base", "debian-init"]);
  });

  afterAll(async () => {
    await containers.removeAll();
    rmSync(work, { recursive: true, force: true });
  });

  test("kiln test debian-init passes on both platforms (health, env dump modes, setuser, zombies, stop)", async () => {
    await expectImageTestsPass("debian-init", ["orphaned zombies are reaped", "the environment dumps are readable by root and docker_env only", "setuser runs a command as the user, with its HOME", "the sshd service is off by default"]);
  });

  describe.each(platforms)("on %s", (platform) => {
    let id: string;

    beforeAll(async () => {
      id = await containers.start(["--platform", platform, ...mounts, image]);
      await containers.waitHealthy(id);
    });

    test("startup scripts 10-a and 20-b run in that order, before the first service", async () => {
      const order = await containers.docker(["exec", id, "cat", "/run/order"]);
      expect(order.stdout).toBe("a\nb\nservice\n");
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
        ...["env", "-u", "FOO", "-u", "BAR", "sh", "-c", '. /etc/container_environment.sh; out=$(printf "%s|%s#" "$FOO" "$BAR"; jq -j \'.FOO + "|" + .BAR\' /etc/container_environment.json; printf "#"; cat /etc/container_environment/BAR); printf "<<%s>>" "$out"'],
      ]);
      expect(run.exitCode, run.stderr).toBe(0);
      // The services share this stdout. One small printf is one atomic pipe write, so their lines
      // cannot land inside the markers.
      expect(/<<([\s\S]*)>>/.exec(run.stdout)?.[1]).toBe(`${foo}|${bar}#${foo}|${bar}#${bar}`);
    });
  });
});
