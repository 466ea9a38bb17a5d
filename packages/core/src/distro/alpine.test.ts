import { describe, expect, test } from "vitest";
import { alpine } from "./alpine.js";

describe("alpine adapter", () => {
  test("installs with --no-cache and leaves no repositories copy behind", () => {
    const script = alpine.installScript(["nginx", "tzdata"], [], []);
    expect(script).toContain('apk add --no-cache --repositories-file "$repositories" nginx tzdata');
    expect(script).toMatch(/rm -f \/tmp\/kiln-apk-repositories$/);
    expect(script).not.toContain("apk update");
  });

  test("build-only packages are a virtual set removed after the build steps, in the same script", () => {
    const script = alpine.installScript(["libstdc++"], ["build-base"], ["make -C /src"]).split("\n");
    const add = script.findIndex((l) => l.includes("--virtual .kiln-build-deps build-base"));
    const step = script.indexOf("make -C /src");
    const del = script.indexOf("apk del --no-network .kiln-build-deps");
    expect(add).toBeGreaterThan(-1);
    expect(step).toBeGreaterThan(add);
    expect(del).toBeGreaterThan(step);
  });

  test("the mirror is used only through a copy of the repositories file unless persisted", () => {
    const script = alpine.installScript(["curl"], [], []);
    expect(script).toContain('done < /etc/apk/repositories > "$repositories"');
    expect(script).not.toContain("sed");
    expect(script).toContain('if [ "${KILN_MIRROR_PERSIST:-}" = 1 ]');
    expect(alpine.mirrorArgs).toEqual(["KILN_APK_MIRROR", "KILN_MIRROR_PERSIST"]);
  });

  test("a login user gets * in /etc/shadow instead of the locked !", () => {
    const script = alpine.accountScript([], [{ name: "admin", uid: 1000, groups: [], login: true, system: false }]);
    expect(script.split("\n")).toEqual([
      "addgroup -g 1000 admin",
      "adduser -D -u 1000 -G admin -h /home/admin -s /bin/sh admin",
      'sed -i "s/^admin:!:/admin:*:/" /etc/shadow',
    ]);
  });

  test("a service user stays locked, joins supplementary groups, and may use an existing group", () => {
    const script = alpine.accountScript(
      [{ name: "docker_env", gid: 8377, system: true }],
      [{ name: "svc", uid: 101, group: "docker_env", groups: ["wheel"], login: false, system: true, shell: "/sbin/nologin" }],
    );
    expect(script.split("\n")).toEqual([
      "addgroup -S -g 8377 docker_env",
      "adduser -D -S -u 101 -G docker_env -h /home/svc -s /sbin/nologin svc",
      "addgroup svc wheel",
    ]);
    expect(script).not.toContain("/etc/shadow");
  });
});
