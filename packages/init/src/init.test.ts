import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { defineImage, renderDockerfile, resolveImage, synthesizeDockerfile } from "@kiln/core";
import { undeclaredScriptVariables } from "../../core/src/testing/script-variables.js";
import { execFileSync } from "node:child_process";
import { containerEnvironment, containerEnvironmentScript } from "./container-environment.js";
import { init } from "./init.js";
import { service } from "./service.js";

const file = "images/x/image.ts";
const resolve = (base: string, feature = init()) =>
  resolveImage(defineImage({ name: "x", description: "x", base, features: [feature], user: "root", rootReason: "init" }), { file });

describe("init feature", () => {
  test("every variable my_init and its helpers read is declared (README checks and the catalog see it)", () => {
    expect(undeclaredScriptVariables(resolve("debian:bookworm"))).toEqual([]);
  });

  test("my_init runs under tini without -g, so a stop signal reaches my_init alone", () => {
    expect(resolve("debian:bookworm").entrypoint).toEqual(["/usr/bin/tini", "--", "/sbin/my_init"]);
    expect(resolve("alpine:3.22").entrypoint).toEqual(["/sbin/tini", "--", "/sbin/my_init"]);
  });

  test("no default command: without one, my_init runs the services until stopped", () => {
    const text = renderDockerfile(synthesizeDockerfile(resolve("debian:bookworm"), { sourcePath: file }));
    expect(text).toMatch(/^CMD \[\]$/m);
  });

  test("services become run scripts; a disabled one ships a down file; syslog adds BusyBox", () => {
    const image = resolve(
      "debian:bookworm",
      init({ syslog: true, services: { web: "exec web --foreground", sshd: { run: "exec sshd -D", enabled: false } } }),
    );
    const text = renderDockerfile(synthesizeDockerfile(image, { sourcePath: file }));
    expect(text).toContain("cat > /etc/service/web/run <<'RUN'\n#!/bin/sh\nexec 2>&1\nexec web --foreground\nRUN");
    expect(text).toContain("touch /etc/service/sshd/down");
    expect(text).not.toContain("touch /etc/service/web/down");
    expect(text).toContain("exec busybox syslogd -n -O -");
    expect(image.packages).toEqual(["busybox-static", "jq", "runit", "tini"]);
    expect(image.tests.map((t) => t.name)).toEqual(
      expect.arrayContaining(["the web service runs", "the sshd service is off by default", "the syslog service runs"]),
    );
  });

  test("a run script with a line RUN gets another end marker, so the whole script is the service's", () => {
    const image = resolve("debian:bookworm", init({ services: { web: "cat <<'RUN'\nhello\nRUN\nexec web" } }));
    const text = renderDockerfile(synthesizeDockerfile(image, { sourcePath: file }));
    expect(text).toContain(
      "cat > /etc/service/web/run <<'RUN1'\n#!/bin/sh\nexec 2>&1\ncat <<'RUN'\nhello\nRUN\nexec web\nRUN1\nchmod 0755 /etc/service/web/run",
    );
  });

  test.each([
    ["a service name that is a path", { "../web": "exec web" }, /services\."\.\.\/web": a service name is letters/],
    ["a service name with a command in it", { "web; rm -rf /": "exec web" }, /services\."web; rm -rf \/": a service name/],
    ["a run script with a carriage return", { web: "exec web\r" }, /services\.web\.run: a carriage return/],
  ])("%s is refused, naming the feature", (_name, services, message) => {
    expect(() => resolve("debian:bookworm", init({ services }))).toThrow(message);
    expect(() => resolve("debian:bookworm", init({ services }))).toThrow(/features\[0\] \(feature init\)/);
  });

  test("the environment group is phusion's docker_env (8377), and the image declares a health test", () => {
    const image = resolve("debian:bookworm");
    expect(image.groups).toEqual([{ name: "docker_env", gid: 8377, system: false }]);
    expect(image.tests.some((t) => t.kind === "health")).toBe(true);
    expect(image.env).toEqual({ SVDIR: "/run/service" });
  });

  test("the scripts it copies exist in the package", () => {
    for (const copied of resolve("alpine:3.22").featureFiles)
      expect(existsSync(path.join(copied.contextDir, copied.src)), copied.src).toBe(true);
  });

  test("build-time env is written to /etc/container_environment, quoted, one file per variable", () => {
    const image = resolve("debian:bookworm", init({ env: { MY_NAME: "Apachai Hopachai", ODD: "a'b\"c$(x) `y` \\z" } }));
    const text = renderDockerfile(synthesizeDockerfile(image, { sourcePath: file }));
    expect(text).toContain("printf '%s\\n' 'Apachai Hopachai' > /etc/container_environment/MY_NAME");
    // The quoting is the shell's: run the lines and compare bytes.
    const script = containerEnvironmentScript({ ODD: "a'b\"c$(x) `y` \\z" }).join("\n").replaceAll(" > /etc/container_environment/", " #");
    expect(execFileSync("sh", ["-c", script], { encoding: "utf8" })).toBe("a'b\"c$(x) `y` \\z\n");
  });

  test("a secret-looking name in env is refused: the value would ship in the image", () => {
    expect(() => resolve("debian:bookworm", init({ env: { API_TOKEN: "x" } }))).toThrow(/looks like a secret/);
  });

  test("service() and containerEnvironment() add to an image built on an init image, and disable package-enabled services", () => {
    const parent = defineImage({
      name: "p",
      description: "p",
      base: "debian:bookworm",
      features: [init()],
      user: "root",
      rootReason: "init",
    });
    const child = resolveImage(
      defineImage({
        name: "c",
        description: "c",
        base: parent,
        features: [service("web", "exec web"), containerEnvironment({ PORT: "8080" })],
        rootReason: "init",
      }),
      { file },
    );
    const text = renderDockerfile(synthesizeDockerfile(child, { sourcePath: file }));
    expect(text).toContain('if [ -L "$link" ]; then mv "$link" "/etc/service/.${link##*/}"; fi');
    expect(text).toContain("cat > /etc/service/web/run <<'RUN'");
    expect(text).toContain("printf '%s\\n' 8080 > /etc/container_environment/PORT");
    expect(child.tests.map((t) => t.name)).toContain("the web service runs");
  });

  test("a service name that is not a directory name is refused", () => {
    expect(() => resolve("debian:bookworm", init({ services: { "a b": "exec x" } }))).toThrow(/a service name is letters, digits/);
  });

  test("logrotate: true installs logrotate with the service-log rule and its hourly service", () => {
    const image = resolve("debian:bookworm", init({ logrotate: true }));
    const text = renderDockerfile(synthesizeDockerfile(image, { sourcePath: file }));
    expect(image.packages).toContain("logrotate");
    expect(text).toContain("/var/log/service/*.log {\n    daily\n    rotate 7");
    expect(text).toContain("copytruncate");
    expect(text).toContain("exec sleep 3600");
    expect(() => resolve("debian:bookworm", init({ logrotate: { files: ["/var/log/a b.log"] } }))).toThrow(/not an absolute log path/);
  });
});
