import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { platforms, TestContainers } from "./containers.js";
import { engineForE2e } from "./engine.js";
import { buildImages, expectImageTestsPass } from "./kiln.js";

/**
 * Issue 4's ssh contract on debian-ssh, both platforms, with the real OpenSSH client of this
 * machine: key login, refused passwords and root, host keys per container, revocation by
 * recreating, refusal to start without a key, cron output in the container log.
 */
const engine = await engineForE2e();
const image = "kiln.local/debian-ssh:0.1.0";
const containers = new TestContainers();
const work = mkdtempSync(path.join(tmpdir(), "kiln-e2e-ssh-"));
const key = (name: string) => path.join(work, name);
const publicKey = (name: string) => readFileSync(`${key(name)}.pub`, "utf8").trim();
const volumes: string[] = [];
const cronContainers = new Map<string, { id: string; startedAt: number }>();

function ssh(identity: string, user: string, port: number, command: string[], extra: string[] = []) {
  return execute({
    command: "ssh",
    args: [
      ...["-i", key(identity), "-p", String(port)],
      ...[
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "ConnectTimeout=20",
        "-o",
        "LogLevel=ERROR",
      ],
      ...extra,
      `${user}@127.0.0.1`,
      ...command,
    ],
  });
}

/** The ed25519 host key a server presents, as ssh-keyscan sees it. */
async function hostKey(port: number): Promise<string> {
  const scan = await execute({ command: "ssh-keyscan", args: ["-t", "ed25519", "-p", String(port), "127.0.0.1"] });
  const line = scan.stdout.split("\n").find((l) => l.includes("ssh-ed25519"));
  if (!line) throw new Error(`ssh-keyscan found no ed25519 key on port ${port}: ${scan.stderr}`);
  return line.split(" ").slice(1).join(" ");
}

async function startServer(platform: string, publicKeys: string[], volume: string): Promise<{ id: string; port: number }> {
  const id = await containers.start([
    "--platform",
    platform,
    "-p",
    "127.0.0.1::2222",
    "-v",
    `${volume}:/etc/ssh/keys`,
    "-e",
    `PUBLIC_KEY=${publicKeys.join("\n")}`,
    image,
  ]);
  await containers.waitHealthy(id);
  return { id, port: await containers.hostPort(id, "2222/tcp") };
}

describe.skipIf(!engine.available)("debian-ssh", () => {
  beforeAll(async () => {
    await buildImages(["debian-base", "debian-ssh"]);
    for (const name of ["a", "b"]) {
      const made = await execute({
        command: "ssh-keygen",
        args: ["-q", "-t", "ed25519", "-N", "", "-C", `kiln-e2e-${name}`, "-f", key(name)],
      });
      expect(made.exitCode, made.stderr).toBe(0);
    }
    // Cron runs each minute: start one container per platform now, look at its log last.
    mkdirSync(key("crontabs"));
    writeFileSync(key("crontabs/app"), "* * * * * echo kiln-cron-tick-$(id -un)\n");
    chmodSync(key("crontabs"), 0o755);
    for (const [platform] of platforms) {
      const id = await containers.start([
        "--platform",
        platform,
        "-e",
        `PUBLIC_KEY=${publicKey("a")}`,
        "-e",
        "CRONTABS_DIR=/crontabs",
        "-v",
        `${key("crontabs")}:/crontabs:ro`,
        image,
      ]);
      cronContainers.set(platform, { id, startedAt: Date.now() });
    }
  });

  afterAll(async () => {
    await containers.removeAll();
    if (volumes.length > 0) await containers.docker(["volume", "rm", "-f", ...volumes]);
    rmSync(work, { recursive: true, force: true });
  });

  test("kiln test debian-ssh passes on both platforms (sshd -T, shadow, health, zombies, stop)", async () => {
    await expectImageTestsPass("debian-ssh", [
      "sshd -T shows key-only logins, no root, no X11",
      "app's shadow entry is * (no password, not locked)",
      "the SSH banner makes the container healthy",
    ]);
  });

  describe.each(platforms)("on %s", (platform, machine) => {
    const volume = `kiln-e2e-ssh-keys-${machine}-${process.pid}`;
    let server: { id: string; port: number };

    beforeAll(async () => {
      volumes.push(volume);
      server = await startServer(platform, [publicKey("a"), publicKey("b")], volume);
    });

    test("a key logs in as the login user, on this platform's machine", async () => {
      const login = await ssh("a", "app", server.port, ["sh", "-c", "'id -un; uname -m'"]);
      expect(login.exitCode, login.stderr).toBe(0);
      expect(login.stdout.trim().split("\n")).toEqual(["app", machine]);
    });

    test("password login fails with Permission denied (publickey)", async () => {
      const attempt = await ssh(
        "a",
        "app",
        server.port,
        ["true"],
        ["-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "PubkeyAuthentication=no"],
      );
      expect(attempt.exitCode).toBe(255);
      expect(attempt.stderr).toContain("Permission denied (publickey)");
    });

    test("root is refused even with a key authorized for it", async () => {
      const copied = await containers.docker([
        "exec",
        server.id,
        "cp",
        "/run/kiln-ssh/authorized_keys/app",
        "/run/kiln-ssh/authorized_keys/root",
      ]);
      expect(copied.exitCode, copied.stderr).toBe(0);
      const attempt = await ssh("a", "root", server.port, ["true"]);
      expect(attempt.exitCode).toBe(255);
      expect(attempt.stderr).toContain("Permission denied (publickey)");
      expect(await containers.logs(server.id)).toContain("ROOT LOGIN REFUSED");
    });

    test("sshd -T shows the key-only settings", async () => {
      const config = await containers.docker(["exec", server.id, "sshd", "-T"]);
      expect(config.exitCode, config.stderr).toBe(0);
      for (const line of [
        "passwordauthentication no",
        "kbdinteractiveauthentication no",
        "permitrootlogin no",
        "x11forwarding no",
        "authenticationmethods publickey",
        "port 2222",
        "allowtcpforwarding no",
      ]) {
        expect(config.stdout.split("\n")).toContain(line);
      }
      expect(config.stdout).not.toMatch(/^hostkeyalgorithms .*\bssh-rsa\b/m);
    });

    test("host keys: none in the image, one per container, the same after a restart and from the same volume", async () => {
      const shipped = await containers.run([
        "--platform",
        platform,
        "--entrypoint",
        "sh",
        image,
        "-c",
        "ls /etc/ssh/ssh_host_* /etc/ssh/keys/* 2>/dev/null | wc -l",
      ]);
      expect(shipped.stdout.trim()).toBe("0");

      const first = await hostKey(server.port);
      const other = await startServer(platform, [publicKey("a")], `${volume}-other`);
      volumes.push(`${volume}-other`);
      expect(await hostKey(other.port)).not.toBe(first);

      await containers.docker(["restart", server.id]);
      await containers.waitHealthy(server.id);
      server.port = await containers.hostPort(server.id, "2222/tcp");
      expect(await hostKey(server.port)).toBe(first);
      expect(await containers.logs(server.id)).toMatch(/kiln-ssh: host key 256 SHA256:\S+ .*\(ED25519\)/);
    });

    test("removing a key from PUBLIC_KEY and recreating the container revokes it", async () => {
      const before = await hostKey(server.port);
      await containers.docker(["rm", "-f", server.id]);
      server = await startServer(platform, [publicKey("b")], volume);
      expect(await hostKey(server.port)).toBe(before);
      const revoked = await ssh("a", "app", server.port, ["true"]);
      expect(revoked.exitCode).toBe(255);
      expect(revoked.stderr).toContain("Permission denied (publickey)");
      const kept = await ssh("b", "app", server.port, ["id", "-un"]);
      expect(kept.stdout.trim(), kept.stderr).toBe("app");
    });

    test("an invalid key is reported and skipped; no key at all refuses to start", async () => {
      const invalid = await containers.run([
        "--platform",
        platform,
        "-e",
        "PUBLIC_KEY=ssh-ed25519 not-base64",
        image,
        "sh",
        "-c",
        "kiln-ssh-prepare; echo exit=$?",
      ]);
      expect(invalid.stderr).toContain("PUBLIC_KEY line 1 is not a valid public key; skipped");
      expect(invalid.stdout).toContain("exit=78");

      const none = await containers.run(["--platform", platform, image]);
      expect(none.exitCode).toBe(78);
      expect(none.stderr).toContain("kiln-ssh: error: no public key for app, so nobody could log in");
    });

    test("a read-only root works with the documented tmpfs mounts and a key volume", async () => {
      const id = await containers.start([
        "--platform",
        platform,
        "--read-only",
        "--tmpfs",
        "/run",
        "--tmpfs",
        "/tmp",
        "-v",
        `${volume}:/etc/ssh/keys`,
        "-p",
        "127.0.0.1::2222",
        "-e",
        `PUBLIC_KEY=${publicKey("b")}`,
        image,
      ]);
      await containers.waitHealthy(id);
      const login = await ssh("b", "app", await containers.hostPort(id, "2222/tcp"), ["id", "-un"]);
      expect(login.stdout.trim(), login.stderr).toBe("app");
      expect(await containers.logs(id)).not.toContain("Read-only file system");
    });

    test("a crontab line shows up in docker logs within 75 s", async () => {
      const cron = cronContainers.get(platform);
      if (!cron) throw new Error("the cron container was not started");
      const remaining = 75 - (Date.now() - cron.startedAt) / 1000;
      await containers.waitFor("the cron job's output in docker logs", Math.max(remaining, 1), async () =>
        (await containers.logs(cron.id)).includes("kiln-cron-tick-app") ? true : undefined,
      );
    });

    test("the container stops, non-zero, when crond dies", async () => {
      const cron = cronContainers.get(platform);
      if (!cron) throw new Error("the cron container was not started");
      await containers.docker(["exec", cron.id, "sh", "-c", 'kill "$(cat /run/kiln-ssh/crond.child)"']);
      const code = await containers.waitExit(cron.id, 5);
      expect(code).not.toBe(0);
      expect(await containers.logs(cron.id)).toContain("kiln-ssh: crond exited");
    });

    test("the health status is healthy, and docker stop takes under 3 s without SIGKILL", async () => {
      expect((await containers.state(server.id)).Health?.Status).toBe("healthy");
      const started = Date.now();
      await containers.docker(["stop", server.id]);
      expect((Date.now() - started) / 1000).toBeLessThan(3);
      expect((await containers.state(server.id)).ExitCode).not.toBe(137);
    });
  });
});
