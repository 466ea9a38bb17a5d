import { describe, expect, test } from "vitest";
import { defineImage, renderDockerfile, resolveImage, synthesizeDockerfile } from "@kiln/core";
import { devImage } from "./dev-image.js";

const file = "images/x/image.ts";
const resolve = (base: string, feature = devImage()) =>
  resolveImage(defineImage({ name: "x", description: "x", base, features: [feature], user: "dev" }), { file });

describe("dev-image feature", () => {
  test("toolchain packages per distro: build-base on Alpine, build-essential on Debian", () => {
    expect(resolve("alpine:3.22").packages).toContain("build-base");
    expect(resolve("debian:bookworm").packages).toContain("build-essential");
    expect(resolve("debian:bookworm", devImage({ presets: ["base"] })).packages).not.toContain("build-essential");
  });

  test("the dev user's ids come from DEV_UID/DEV_GID, declared before the accounts", () => {
    const image = resolve("debian:bookworm", devImage({ defaultUid: 1234 }));
    expect(image.buildArgs).toEqual({ DEV_UID: "1234", DEV_GID: "1234" });
    const text = renderDockerfile(synthesizeDockerfile(image, { sourcePath: file }));
    expect(text.indexOf('ARG DEV_UID="1234"')).toBeLessThan(text.indexOf('useradd --uid "$DEV_UID"'));
  });

  test("sudo is a 0440 drop-in checked by visudo; UTF-8; the workspace belongs to the user; a dev label", () => {
    const image = resolve("alpine:3.22", devImage({ user: "me", workspace: "/src" }));
    const text = renderDockerfile(synthesizeDockerfile(image, { sourcePath: file }));
    expect(text).toContain("echo 'me ALL=(ALL:ALL) NOPASSWD: ALL' > /etc/sudoers.d/me\nchmod 0440 /etc/sudoers.d/me\nvisudo -c");
    expect(text).toContain("chown me:me /src");
    expect(image.env).toEqual({ LANG: "C.UTF-8" });
    expect(image.labels).toEqual({ "io.kiln.profile": "dev" });
  });

  test("the tool check lists the commands of the chosen presets, and the C compile only with build tools", () => {
    const names = (feature = devImage()) => resolve("debian:bookworm", feature).tests.map((t) => t.name);
    expect(names()).toContain("the tools are on PATH: bash, curl, git, jq, less, ssh, sudo, vim, ps, cc, make, python3, node");
    expect(names()).toContain("a C hello world compiles and runs");
    expect(names(devImage({ presets: ["base", "python"] }))).not.toContain("a C hello world compiles and runs");
  });

  test.each([
    ["user", devImage({ user: "me'; rm -rf / #" }), /features\[0\] \(feature dev-image\): user: expected a user or group name/],
    ["workspace", devImage({ workspace: "/src $(id)" }), /features\[0\] \(feature dev-image\): workspace: a path that may hold only/],
  ])("a %s that would reach the shell or the sudoers rule as more than a word is refused", (_option, feature, message) => {
    expect(() => resolve("alpine:3.22", feature)).toThrow(message);
  });
});
