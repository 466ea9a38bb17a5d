import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { platforms, TestContainers } from "./containers.js";
import { engineForE2e } from "./engine.js";
import { buildImages, expectImageTestsPass } from "./kiln.js";

/**
 * Issue 12's memcached example (phusion's write-up) on debian-memcached, both platforms: a runit
 * service through setuser, answering a real client over TCP, restarted after a kill, its log in
 * `docker logs`, stopped in order.
 */
const engine = await engineForE2e();
const image = "kiln.local/debian-memcached:0.1.0";
const containers = new TestContainers();

/** memcached's text protocol from this machine, with bash's /dev/tcp: no client library in between. */
async function stats(port: number): Promise<string> {
  const result = await execute({
    command: "bash",
    args: ["-c", 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "stats\\r\\nquit\\r\\n" >&3; timeout 5 cat <&3', "stats", String(port)],
  });
  return result.stdout;
}

async function memcachedPid(id: string): Promise<string | undefined> {
  return /\(pid (\d+)\)/.exec((await containers.docker(["exec", id, "sv", "status", "memcached"])).stdout)?.[1];
}

describe.skipIf(!engine.available)("debian-memcached", () => {
  beforeAll(async () => {
    await buildImages(["debian-base", "debian-init", "debian-memcached"]);
  });

  afterAll(async () => {
    await containers.removeAll();
  });

  test("kiln test debian-memcached passes on both platforms (stats, the memcache user, health, stop)", async () => {
    await expectImageTestsPass("debian-memcached", [
      "memcached answers stats on 11211",
      "memcached runs as memcache, not root",
      "the memcached service runs",
    ]);
  });

  describe.each(platforms)("on %s", (platform) => {
    let id: string;
    let port: number;

    beforeAll(async () => {
      id = await containers.start([
        "--platform",
        platform,
        "-p",
        "127.0.0.1::11211",
        "-e",
        "MEMCACHED_VERBOSE=1",
        "-e",
        "MEMCACHED_MEMORY_MB=32",
        image,
      ]);
      await containers.waitHealthy(id);
      port = await containers.hostPort(id, "11211/tcp");
    });

    test("answers stats over TCP, with the memory limit from docker run -e over the build-time default", async () => {
      const answer = await containers.waitFor("memcached to answer", 20, async () => {
        const text = await stats(port);
        return text.includes("END") ? text : undefined;
      });
      expect(answer).toMatch(/^STAT pid \d+\r$/m);
      expect(answer).toMatch(/^STAT limit_maxbytes 33554432\r$/m);
    });

    test("its log, a command included, is in docker logs", async () => {
      await stats(port);
      const log = await containers.waitFor("the stats command in the log", 10, async () => {
        const text = await containers.logs(id);
        return /^<\d+ stats$/m.test(text) ? text : undefined;
      });
      expect(log).toMatch(/server listening/);
    });

    test("a killed memcached is restarted by runit and answers again", async () => {
      const before = await memcachedPid(id);
      expect(before).toMatch(/^\d+$/);
      await containers.docker(["exec", id, "kill", "-9", before as string]);
      const after = await containers.waitFor("a new memcached PID", 5, async () => {
        const pid = await memcachedPid(id);
        return pid && pid !== before ? pid : undefined;
      });
      expect(after).not.toBe(before);
      const answer = await containers.waitFor("memcached to answer again", 10, async () => {
        const text = await stats(port);
        return text.includes("END") ? text : undefined;
      });
      expect(answer).toContain(`STAT pid ${after}\r`);
    });

    test("docker stop stops memcached through runit, exit 0, well inside 10 s", async () => {
      const started = Date.now();
      await containers.docker(["stop", id]);
      expect((Date.now() - started) / 1000).toBeLessThan(9);
      expect((await containers.state(id)).ExitCode).toBe(0);
      const log = await containers.logs(id);
      expect(log).toContain("ok: down: /run/service/memcached");
      expect(log.indexOf("my_init: stopped")).toBeGreaterThan(log.indexOf("ok: down: /run/service/memcached"));
    });
  });
});
