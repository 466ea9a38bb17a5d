import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { defineImage, renderDockerfile, resolveImage, synthesizeDockerfile } from "@kiln/core";
import { undeclaredScriptVariables } from "../../core/src/testing/script-variables.js";
import { debianParent } from "../../core/src/testing/debian-parent.js";
import { ssh } from "./ssh.js";

const file = "images/x/image.ts";
function image(base: string, feature = ssh()) {
  return resolveImage(
    defineImage({
      name: "x",
      description: "x",
      base,
      users: [{ name: "app", uid: 10001 }],
      features: [feature],
      user: "root",
      rootReason: "sshd",
    }),
    { file },
  );
}

describe("ssh feature", () => {
  test.each(["standalone", "on-demand", "service"] as const)(
    "every variable the scripts of %s mode read is declared (README checks and the catalog see it)",
    (mode) => {
      expect(undeclaredScriptVariables(image("debian:bookworm", ssh({ mode })))).toEqual([]);
    },
  );

  test("installs the distro's sshd, ssh-keygen and sftp server, and a BusyBox with nc", () => {
    expect(image("alpine:3.22").packages).toEqual(["openssh-keygen", "openssh-server", "openssh-sftp-server"]);
    expect(image("debian:bookworm").packages).toEqual(["busybox-static", "openssh-server"]);
  });

  test("the drop-in is key-only, is read before sshd_config's own settings, and no host key ships", () => {
    const dockerfile = renderDockerfile(synthesizeDockerfile(image("debian:bookworm"), { sourcePath: file }));
    for (const line of [
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin no",
      "AuthenticationMethods publickey",
      "X11Forwarding no",
      "AllowTcpForwarding no",
      "AuthorizedKeysFile /run/kiln-ssh/authorized_keys/%u",
    ]) {
      expect(dockerfile).toContain(`\n${line}\n`);
    }
    expect(dockerfile).toContain("sed -i '1i Include /etc/ssh/sshd_config.d/*.conf' /etc/ssh/sshd_config");
    expect(dockerfile).toContain("rm -f /etc/ssh/ssh_host_*");
    expect(dockerfile).toContain("sed -i -E 's/^app:[^:]*:/app:*:/' /etc/shadow");
  });

  test("standalone mode starts sshd from CMD on the port, with a HEALTHCHECK; service mode starts nothing", () => {
    const standalone = image("debian:bookworm", ssh({ port: 2022 }));
    expect(standalone.cmd).toEqual(["/usr/local/bin/kiln-ssh-start"]);
    expect(standalone.ports).toEqual([{ port: 2022, protocol: "tcp" }]);
    expect(standalone.healthcheck?.test).toEqual(["/usr/local/bin/kiln-ssh-health"]);
    const service = image("debian:bookworm", ssh({ mode: "service", allowTcpForwarding: true }));
    expect(service.cmd).toBeUndefined();
    expect(service.healthcheck).toBeUndefined();
    expect(service.featureFiles.map((f) => f.dest)).toEqual(["/usr/local/bin/kiln-ssh-prepare"]);
    expect(service.tests.find((t) => t.name.startsWith("sshd -T"))).toMatchObject({
      stdoutIncludes: expect.arrayContaining(["allowtcpforwarding yes"]),
    });
  });

  test("the scripts it copies exist in the package", () => {
    for (const copied of image("alpine:3.22").featureFiles)
      expect(existsSync(path.join(copied.contextDir, copied.src)), copied.src).toBe(true);
  });

  test("a test key lets kiln test start the container, and never reaches the image's env", () => {
    const resolved = image("alpine:3.22");
    expect(resolved.testEnv.PUBLIC_KEY).toMatch(/^ssh-ed25519 \S+ kiln-test-key$/);
    expect(resolved.env).toEqual({ KILN_SSH_USER: "app", KILN_SSH_PORT: "2222" });
  });
});

describe("ssh in a child of an ssh image", () => {
  const debianBase = debianParent();
  const debianSsh = defineImage({
    name: "debian-ssh",
    description: "s",
    base: debianBase,
    features: [ssh({ user: "app", port: 2222 })],
    user: "root",
    rootReason: "sshd",
  });
  const child = (feature: ReturnType<typeof ssh>, users = [{ name: "admin", uid: 10002, login: true }]) =>
    resolveImage(defineImage({ name: "admin-ssh", description: "a", base: debianSsh, users, features: [feature] }), { file });

  test("ssh({ user, port }) again changes the drop-in, the user's shadow entry and the port, and installs nothing", () => {
    const admin = child(ssh({ user: "admin", port: 22 }));
    expect(admin.packages).toEqual([]);
    expect(admin.featureFiles).toEqual([]);
    expect(admin.configureSteps).toHaveLength(1);
    expect(admin.configureSteps[0]?.run).toContain("\nPort 22\n");
    expect(admin.configureSteps[0]?.run).toContain("s/^admin:[^:]*:/admin:*:/");
    expect(admin.env).toEqual({ KILN_SSH_USER: "admin", KILN_SSH_PORT: "22" });
    expect(admin.ports).toEqual([{ port: 22, protocol: "tcp" }]);
    expect(admin.notes.join("\n")).toMatch(/debian-ssh's EXPOSE 2222\/tcp \(ssh\(\)\) stays/);
    const dockerfile = renderDockerfile(synthesizeDockerfile(admin, { sourcePath: file }));
    expect(dockerfile).toMatch(/# kiln: debian-ssh's EXPOSE 2222\/tcp.*\nEXPOSE 22\n/);
    expect(dockerfile).not.toMatch(/apt-get/);
  });

  test("a login user the image lacks is an error naming ssh() and the user", () => {
    expect(() => child(ssh({ user: "ops" }), [])).toThrow(
      /features: ssh\(\) needs the user "ops", which neither this image nor its parents declare/,
    );
  });

  test("options are checked when the definition loads", () => {
    expect(() => child(ssh({ prot: 22 } as never))).toThrow(/\(feature ssh\): features\[0\]: Unrecognized key: "prot"/);
    expect(() => child(ssh({ port: 0 }))).toThrow(/features\[0\]\.port/);
  });

  test("the port reaches sshd and its health check: the start script passes -p only for LISTEN_PORT", () => {
    const scripts = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "files", "ssh");
    const start = readFileSync(path.join(scripts, "kiln-ssh-start"), "utf8");
    expect(start).toContain('/usr/sbin/sshd -D -e ${LISTEN_PORT:+-p "$LISTEN_PORT"}');
    expect(start).not.toContain("2222");
    expect(readFileSync(path.join(scripts, "kiln-ssh-health"), "utf8")).toContain("port=${LISTEN_PORT:-${KILN_SSH_PORT:-2222}}");
  });
});
