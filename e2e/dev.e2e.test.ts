import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { platforms, TestContainers } from "./containers.js";
import { debianBaseMirror, engineForE2e } from "./engine.js";
import { buildImages, expectImageTestsPass, kiln, repositoryRoot } from "./kiln.js";

/**
 * Issue 4's dev-image contract on debian-dev, both platforms: sudo, the sudoers drop-in, a C
 * compile, every tool its README lists, sshd on demand with TCP forwarding, and DEV_UID.
 */
const engine = await engineForE2e();
const image = "kiln.local/debian-dev:0.1.0";
const containers = new TestContainers();
const work = mkdtempSync(path.join(tmpdir(), "kiln-e2e-dev-"));

/** The commands the README's "Tools" section lists, in backticks. */
function readmeTools(): string[] {
  const readme = readFileSync(path.join(repositoryRoot, "images/debian-dev/README.md"), "utf8");
  const section = /^## Tools\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  return [...section.matchAll(/`([a-z0-9][\w.+-]*)`/g)].map((match) => match[1] as string);
}

describe.skipIf(!engine.available)("debian-dev", () => {
  beforeAll(async () => {
    await buildImages(["debian-base", "debian-dev"]);
    const made = await execute({ command: "ssh-keygen", args: ["-q", "-t", "ed25519", "-N", "", "-f", path.join(work, "key")] });
    expect(made.exitCode, made.stderr).toBe(0);
  });

  afterAll(async () => {
    await containers.removeAll();
    rmSync(work, { recursive: true, force: true });
  });

  test("kiln test debian-dev passes on both platforms (sudo -n, 0440 drop-in, visudo -c, C hello world)", async () => {
    await expectImageTestsPass("debian-dev", [
      "dev has passwordless sudo",
      "the sudoers drop-in is 0440, owned by root",
      "visudo -c passes",
      "a C hello world compiles and runs",
    ]);
  });

  test.each(platforms)("every tool the README lists is on PATH on %s", async (platform) => {
    const tools = readmeTools();
    expect(tools.length).toBeGreaterThanOrEqual(10);
    const run = await containers.run([
      "--platform",
      platform,
      image,
      "bash",
      "-c",
      'for tool in "$@"; do command -v "$tool" >/dev/null || echo "missing: $tool"; done',
      "sh",
      ...tools,
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
  });

  test.each(platforms)("sshd on demand logs dev in and allows TCP forwarding on %s", async (platform) => {
    const publicKey = readFileSync(path.join(work, "key.pub"), "utf8").trim();
    const id = await containers.start([
      "--platform",
      platform,
      "--user",
      "root",
      "-e",
      `PUBLIC_KEY=${publicKey}`,
      "-p",
      "127.0.0.1::2222",
      image,
      "kiln-ssh-start",
    ]);
    const port = await containers.hostPort(id, "2222/tcp");
    // stdin is one line and then closed, so `ssh -W` ends once the far side hangs up.
    const ssh = (extra: string[]) =>
      execute(
        {
          command: "sh",
          args: [
            "-c",
            'echo not-ssh | ssh "$@"',
            "sh",
            "-i",
            path.join(work, "key"),
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
            ...extra,
          ],
        },
        { timeoutMs: 60_000 },
      );
    const login = await containers.waitFor("a key login as dev", 60, async () => {
      const result = await ssh(["dev@127.0.0.1", "id", "-un"]);
      return result.exitCode === 0 ? result.stdout.trim() : undefined;
    });
    expect(login).toBe("dev");
    // -W forwards stdio to a TCP port through sshd, which AllowTcpForwarding yes permits: here
    // to sshd itself, which answers with its banner.
    const forwarded = await ssh(["-W", "127.0.0.1:2222", "dev@127.0.0.1"]);
    expect(forwarded.stdout).toMatch(/^SSH-2\.0-/);
  });

  test("DEV_UID is a build argument: kiln build --build-arg DEV_UID=4321 makes dev 4321", async () => {
    try {
      const custom = await kiln([
        "build",
        "debian-dev",
        "--platform",
        "linux/amd64",
        "--build-arg",
        "DEV_UID=4321",
        "--build-arg",
        "DEV_GID=4321",
        "--mirror",
        debianBaseMirror,
        "--progress",
        "plain",
      ]);
      expect(custom.exitCode, custom.stderr.slice(-3000)).toBe(0);
      const ids = await containers.run(["--platform", "linux/amd64", image, "bash", "-c", "id -u; id -g; stat -c %u /workspace"]);
      expect(ids.stdout.trim().split("\n"), ids.stderr).toEqual(["4321", "4321", "4321"]);
    } finally {
      // Put the default build back for whatever runs next (BuildKit's cache makes it quick).
      await buildImages(["debian-dev"]);
    }
  });
});
