import { describe, expect, test } from "vitest";
import { defineFeature } from "../feature/feature.js";
import { nginx } from "../feature/nginx.js";
import { tini } from "../feature/tini.js";
import { resolveImage } from "../resolve/resolve.js";
import { defineImage } from "../spec/define.js";
import { debianParent } from "../testing/debian-parent.js";
import type { Instruction } from "./model.js";
import { renderDockerfile } from "./render.js";
import { synthesizeDockerfile } from "./synthesize.js";

const file = "images/web/image.ts";
const base = defineImage({
  name: "base",
  description: "a base",
  base: "alpine:3.22",
  packages: ["ca-certificates", "tzdata"],
  features: [tini()],
  users: [{ name: "app", uid: 10001 }],
  user: "app",
  cmd: ["/bin/sh"],
});
const web = defineImage({
  name: "web",
  description: "nginx on base",
  base,
  features: [nginx()],
  files: [{ src: "site/index.html", dest: "/data/html/index.html", mode: "0644" }],
  buildPackages: ["gzip"],
  steps: [{ run: "gzip -k /data/html/index.html", phase: "install", why: "precompress" }],
  user: "nginx",
});

const model = (definition = web) => synthesizeDockerfile(resolveImage(definition, { file }), { sourcePath: file });
const ops = (instructions: Instruction[]) => instructions.filter((i) => i.op !== "comment").map((i) => i.op);

describe("synthesizeDockerfile", () => {
  test("a workspace parent is referenced by its local name and explained", () => {
    const stage = model().stages.at(-1);
    expect(stage?.from).toBe("kiln.local/base:local");
    expect(stage?.comment).toContain("the base image of this repository");
  });

  test("layers go from rarely to often changing, metadata last", () => {
    const order = ops(model().stages.at(-1)?.instructions ?? []);
    expect(order).toEqual([
      "SHELL",
      "USER", // root: the parent runs as app
      "ARG",
      "ARG",
      "RUN", // packages
      "COPY", // files/
      "RUN", // configuration
      "LABEL",
      "EXPOSE",
      "HEALTHCHECK",
      "STOPSIGNAL",
      "USER",
      "CMD",
    ]);
  });

  test("build arguments come after the packages and before the accounts that read them", () => {
    const dev = defineImage({
      name: "dev",
      description: "a dev image",
      base: "debian:bookworm",
      packages: ["sudo"],
      buildArgs: { DEV_UID: "1000" },
      users: [{ name: "dev", uid: "$DEV_UID", gid: "$DEV_UID" }],
      user: "dev",
    });
    const text = renderDockerfile(model(dev));
    const at = (needle: string) => text.indexOf(needle);
    expect(at('ARG DEV_UID="1000"')).toBeGreaterThan(at("install -y --no-install-recommends sudo"));
    expect(at('useradd --uid "$DEV_UID" --gid dev')).toBeGreaterThan(at('ARG DEV_UID="1000"'));
    expect(text).toContain('groupadd --gid "$DEV_UID" dev');
  });

  test("switches to root for installing when the parent is non-root, and ends on the declared user", () => {
    const users = (model().stages.at(-1)?.instructions ?? []).filter((i) => i.op === "USER");
    expect(users).toEqual([
      { op: "USER", user: "root" },
      { op: "USER", user: "nginx" },
    ]);
  });

  test("build-only packages and install steps share the one package RUN", () => {
    const run = (model().stages.at(-1)?.instructions ?? []).find((i) => i.op === "RUN");
    expect(run?.op === "RUN" && run.script).toContain("--virtual .kiln-build-deps gzip");
    expect(run?.op === "RUN" && run.script).toContain("# precompress\ngzip -k /data/html/index.html");
  });

  test("the output is lint-clean by construction: JSON CMD, pipefail SHELL, no :latest, a non-root USER", () => {
    const text = renderDockerfile(model());
    expect(text).toMatch(/^CMD \[/m);
    expect(text).toContain('SHELL ["/bin/ash", "-eo", "pipefail", "-c"]');
    expect(text).not.toMatch(/^FROM .*:latest/m);
    expect(
      text
        .trimEnd()
        .split("\n")
        .filter((l) => l.startsWith("USER "))
        .at(-1),
    ).toBe("USER nginx");
    expect(text).not.toMatch(/^# syntax=/m);
  });

  test("an image that runs as root says why in the comment lint reads", () => {
    const rooted = defineImage({ name: "r", description: "r", base: "alpine:3.22", rootReason: "it manages mounts" });
    const text = renderDockerfile(model(rooted));
    expect(text).toContain("# kiln: runs as root because it manages mounts\nUSER root");
  });

  test("feature files are copied from the feature's named context", () => {
    const withFiles = defineFeature("motd", () => ({ files: [{ contextDir: "/opt/motd", src: "motd", dest: "/etc/motd", mode: "0644" }] }));
    const image = defineImage({ name: "m", description: "m", base, features: [withFiles] });
    const text = renderDockerfile(model(image));
    expect(text).toContain("COPY --from=kiln-feature-motd --chmod=0644 motd /etc/motd");
  });

  test("apt packages are fetched by native stages for the target platform; the install mounts them and the fetch stage's root", () => {
    const parent = debianParent("deb");
    const child = defineImage({ name: "web", description: "w", base: parent, packages: ["nginx"], buildPackages: ["gcc"], user: "app" });
    const stages = model(child).stages;
    expect(stages.map((stage) => [stage.name, stage.from, stage.platform])).toEqual([
      ["kiln-target-base", "kiln.local/deb:local", undefined],
      ["kiln-indexes", "kiln.local/deb:local", "$BUILDPLATFORM"],
      ["kiln-packages", "kiln.local/deb:local", "$BUILDPLATFORM"],
      ["web", "kiln.local/deb:local", undefined],
    ]);
    const runs = (stage: number) => stages[stage]?.instructions.filter((i) => i.op === "RUN") ?? [];
    const [indexes] = runs(1);
    expect(runs(1)).toHaveLength(1);
    expect(indexes).toMatchObject({ mounts: ["type=bind,from=kiln-target-base,target=/kiln-target"] });
    expect(indexes?.op === "RUN" && indexes.script).toMatch(/apt-get .*\bupdate$/m);
    const [fetch] = runs(2);
    expect(runs(2)).toHaveLength(1);
    expect(fetch).toMatchObject({
      mounts: [
        "type=bind,from=kiln-target-base,target=/kiln-target",
        "type=bind,from=kiln-indexes,source=/kiln-indexes,target=/kiln-indexes",
      ],
    });
    expect(fetch?.op === "RUN" && fetch.script).toContain("--download-only gcc nginx");
    // The parent runs as app: root for apt, then app again (the stage's last USER is not root).
    expect(ops(stages[1]?.instructions ?? [])).toEqual(["SHELL", "USER", "ARG", "ARG", "RUN", "USER"]);
    expect(ops(stages[2]?.instructions ?? [])).toEqual(["SHELL", "USER", "ARG", "ARG", "RUN", "USER"]);
    const install = stages[3]?.instructions.find((i) => i.op === "RUN" && i.script.includes("install -y"));
    // The fetch stage's whole root, read-only: the build platform's programs the install may lend.
    expect(install).toMatchObject({
      mounts: [
        "type=bind,from=kiln-packages,source=/kiln-packages,target=/kiln-packages,rw",
        "type=bind,from=kiln-packages,target=/kiln-native",
      ],
    });
    expect(install?.op === "RUN" && install.script).not.toMatch(/apt-get .*\bupdate\b/);
  });

  test("children of one parent write the same index stage, whatever their packages, so BuildKit fetches the indexes once", () => {
    const parent = debianParent("deb");
    const indexStage = (image: ReturnType<typeof defineImage>) => {
      const stage = model(image).stages.find((candidate) => candidate.name === "kiln-indexes");
      return stage && renderDockerfile({ header: [], globalArgs: [], stages: [stage] });
    };
    const web = indexStage(defineImage({ name: "web", description: "w", base: parent, packages: ["nginx"], user: "app" }));
    const ssh = indexStage(
      defineImage({ name: "ssh", description: "s", base: parent, packages: ["openssh-server", "cron"], buildPackages: ["gcc"] }),
    );
    expect(web).toContain("FROM --platform=$BUILDPLATFORM kiln.local/deb:local AS kiln-indexes");
    expect(ssh).toBe(web);
  });

  test("no fetch stage without packages, nor for apk", () => {
    const bare = defineImage({ name: "deb", description: "d", base: "debian:bookworm", user: "root", rootReason: "test" });
    expect(model(bare).stages.map((stage) => stage.name)).toEqual(["deb"]);
    expect(model(base).stages.map((stage) => stage.name)).toEqual(["base"]);
  });

  describe("trimBase", () => {
    const trimmed = (input: Partial<Parameters<typeof defineImage>[0]> = {}) =>
      defineImage({
        name: "root",
        description: "a trimmed root",
        base: "debian:bookworm",
        trimBase: true,
        packages: ["tzdata"],
        users: [{ name: "app", uid: 10001 }],
        user: "app",
        ...input,
      });

    test("a stage trims the base and the image starts FROM scratch with its files as the first layer", () => {
      const { stages } = model(trimmed());
      expect(stages.map((stage) => [stage.name, stage.from])).toEqual([
        ["kiln-trimmed-base", "debian:bookworm"],
        ["kiln-target-base", "debian:bookworm"],
        ["kiln-indexes", "debian:bookworm"],
        ["kiln-packages", "debian:bookworm"],
        ["root", "scratch"],
      ]);
      const final = stages.at(-1)?.instructions ?? [];
      expect(final.find((i) => i.op !== "comment")).toEqual({ op: "COPY", from: "kiln-trimmed-base", sources: ["/"], dest: "/" });
      const trim = stages[0]?.instructions.find((i) => i.op === "RUN");
      expect(trim?.op === "RUN" && trim.script).toContain("path-include=/usr/share/doc/*/copyright");
      expect(trim?.op === "RUN" && trim.script).toContain("-delete");
    });

    test("the lock file's digest pins the trimmed stage's FROM, and the fetch stages'", () => {
      const pinned = "debian:bookworm@sha256:" + "a".repeat(64);
      const { stages } = synthesizeDockerfile(resolveImage(trimmed(), { file }), { sourcePath: file, pinnedBase: pinned });
      expect(stages.map((stage) => stage.from)).toEqual([pinned, pinned, pinned, pinned, "scratch"]);
    });

    test.each<[string, Partial<Parameters<typeof defineImage>[0]>, string[] | undefined]>([
      ["Debian's CMD, when the definition sets none", {}, ["bash"]],
      ["Ubuntu's", { base: "ubuntu:24.04" }, ["/bin/bash"]],
      ["the definition's own", { cmd: ["/bin/sh"] }, ["/bin/sh"]],
      ["none after an ENTRYPOINT, which resets CMD anyway", { features: [tini()] }, undefined],
    ])("CMD: %s", (_, input, cmd) => {
      const final = model(trimmed(input)).stages.at(-1)?.instructions ?? [];
      expect(final.find((i) => i.op === "CMD")).toEqual(cmd ? { op: "CMD", argv: cmd } : undefined);
    });

    test("without trimBase the image starts FROM its base, as before", () => {
      const { stages } = model(trimmed({ trimBase: false }));
      expect(stages.map((stage) => [stage.name, stage.from])).toEqual([
        ["kiln-target-base", "debian:bookworm"],
        ["kiln-indexes", "debian:bookworm"],
        ["kiln-packages", "debian:bookworm"],
        ["root", "debian:bookworm"],
      ]);
    });

    test("the rendered trimmed root passes the whole-filesystem copy by a pragma naming the one rule", () => {
      const text = renderDockerfile(model(trimmed()));
      expect(text).toContain("FROM scratch AS root\n# hadolint ignore=DL3067\nCOPY --from=kiln-trimmed-base / /\n");
    });
  });

  test("the rendered file is stable (snapshot of the whole text)", () => {
    expect(renderDockerfile(model())).toMatchSnapshot();
  });
});
