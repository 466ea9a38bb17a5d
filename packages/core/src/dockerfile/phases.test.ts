import { describe, expect, test } from "vitest";
import { DefinitionError } from "../errors.js";
import { resolveImage } from "../resolve/resolve.js";
import { defineImage, type ImageInput } from "../spec/define.js";
import { renderDockerignore } from "./dockerignore.js";
import { renderDockerfile } from "./render.js";
import { synthesizeDockerfile } from "./synthesize.js";

const sourcePath = "images/x/image.ts";
const base: ImageInput = { name: "x", description: "x", base: "debian:bookworm", users: [{ name: "app", uid: 10001 }], user: "app" };

function dockerfileOf(input: Partial<ImageInput>): string {
  return renderDockerfile(synthesizeDockerfile(resolveImage(defineImage({ ...base, ...input }), { file: sourcePath }), { sourcePath }));
}

/** The instruction keywords of the final stage, in order, with the first word of what follows. */
function finalStageOps(dockerfile: string): string[] {
  const stages = dockerfile.split(/^FROM /m);
  return (stages.at(-1) as string)
    .split("\n")
    .filter((line) => /^[A-Z]+ /.test(line))
    .map((line) => line.split(" ").slice(0, 2).join(" "));
}

describe("build phases and layer order", () => {
  test("an install step's build argument is declared before the install RUN; others after the packages", () => {
    const dockerfile = dockerfileOf({
      packages: ["curl"],
      buildArgs: { TOOL_VERSION: "1.2.3", GREETING: "hi" },
      steps: [{ phase: "install", run: 'echo "installing ${TOOL_VERSION}"' }, { run: "echo $GREETING > /etc/greeting" }],
    });
    const ops = finalStageOps(dockerfile);
    const index = (prefix: string) => ops.findIndex((op) => op.startsWith(prefix));
    expect(index("ARG TOOL_VERSION")).toBeGreaterThan(-1);
    // The package RUN mounts what the native fetch stage downloaded.
    const install = index("RUN --mount=type=bind,from=kiln-packages");
    expect(install).toBeGreaterThan(-1);
    expect(index("ARG TOOL_VERSION")).toBeLessThan(install);
    expect(index("ARG GREETING")).toBeGreaterThan(install);
  });

  test("a step reading a build argument no ARG of its stage declares is an error naming it", () => {
    const parent = defineImage({ ...base, name: "parent", buildArgs: { PARENT_ONLY: "1" } });
    const child = resolveImage(defineImage({ name: "child", description: "c", base: parent, steps: [{ run: "echo ${PARENT_ONLY:-}" }] }), {
      file: sourcePath,
    });
    let error: unknown;
    try {
      synthesizeDockerfile(child, { sourcePath });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).message).toMatch(
      /a step reads the build argument PARENT_ONLY, which is not declared in that stage \(an ARG's scope ends at the next FROM/,
    );
    expect((error as DefinitionError).hint).toBe('declare it in this image: buildArgs: { PARENT_ONLY: "…" }');
    expect(() =>
      dockerfileOf({ stages: [{ name: "tool", from: "debian:bookworm", instructions: ["RUN echo $LATE", "ARG LATE=1"] }] }),
    ).toThrow(/stage "tool" reads the build argument LATE/);
  });

  test("the application lands last: manifests, its install, the code, then app steps, after packages, accounts, files, stage output and configuration", () => {
    const dockerfile = dockerfileOf({
      packages: ["python3"],
      files: [{ src: "app.conf", dest: "/etc/app.conf" }],
      stages: [
        { name: "assets", from: "debian:bookworm", instructions: ["RUN mkdir /out"], copy: [{ from: "/out/", to: "/srv/assets/" }] },
      ],
      steps: [{ run: "chmod 0644 /etc/app.conf" }, { phase: "app", run: "python3 -m compileall -q ." }],
      buildArgs: { APP_FLAVOUR: "plain" },
      app: {
        source: "app",
        dir: "/opt/app",
        manifests: ["requirements.txt"],
        install: 'echo "flavour $APP_FLAVOUR" > flavour',
        owner: "app",
      },
    });
    // Packages, build arguments, accounts, files, stage output, configuration, then the application.
    expect(finalStageOps(dockerfile).filter((op) => /^(RUN|COPY|ARG APP|USER)/.test(op))).toEqual([
      "RUN --mount=type=bind,from=kiln-packages,source=/kiln-packages,target=/kiln-packages,rw",
      'ARG APP_FLAVOUR="plain"',
      "RUN <<'EOF'",
      "COPY files/app.conf",
      "COPY --from=assets",
      "RUN chmod",
      "COPY --chown=app",
      "RUN <<'EOF'",
      "COPY --chown=app",
      "RUN <<'EOF'",
      "USER app",
    ]);
    expect(dockerfile).toContain("COPY --chown=app app/requirements.txt /opt/app/\n");
    expect(dockerfile).toMatch(
      /RUN <<'EOF'\ncd \/opt\/app\necho "flavour \$APP_FLAVOUR" > flavour\nEOF\nCOPY --chown=app app\/ \/opt\/app\/\n/,
    );
    expect(dockerfile).toMatch(/COPY --chown=app app\/ \/opt\/app\/\nRUN <<'EOF'\ncd \/opt\/app\npython3 -m compileall -q \.\nEOF/);
  });

  test("an app step without an app is an error", () => {
    expect(() => dockerfileOf({ steps: [{ phase: "app", run: "true" }] })).toThrow(
      /phase "app" runs in the application's directory, but the image has no app/,
    );
  });

  test("app paths are checked: no .., no spaces, an absolute dir", () => {
    expect(() => dockerfileOf({ app: { source: "../elsewhere", dir: "/opt/app" } })).toThrow(/app\.source: expected a relative path/);
    expect(() => dockerfileOf({ app: { source: "app", dir: "/opt/my app" } })).toThrow(
      /app\.dir: a path that may hold only letters, digits and \. _ \+ @ % = , : ~ \/ - \(no spaces/,
    );
  });

  test("the .dockerignore lets in only what a COPY names from the context, never node_modules or .git", () => {
    const image = resolveImage(
      defineImage({
        ...base,
        files: [{ src: "conf/site.conf", dest: "/etc/site.conf" }],
        stages: [
          {
            name: "web",
            from: "debian:bookworm",
            instructions: ["COPY site/package.json site/pnpm-lock.yaml ./", "COPY site/ ./", "COPY --from=other /x /y"],
          },
        ],
        app: { source: "app", dir: "/opt/app", manifests: ["requirements.txt"] },
      }),
      { file: sourcePath },
    );
    const ignore = renderDockerignore(synthesizeDockerfile(image, { sourcePath }), sourcePath);
    expect(ignore.split("\n")).toEqual([
      "# Generated by kiln from images/x/image.ts: the build context holds only what the Dockerfile copies from it.",
      "*",
      "!app",
      "!files/conf/site.conf",
      "!site",
      "**/node_modules",
      "**/.git",
      "**/__pycache__",
      "**/*.pyc",
      "",
    ]);
  });
});
