import { describe, expect, test } from "vitest";
import { renderDockerfile } from "../dockerfile/render.js";
import { synthesizeDockerfile } from "../dockerfile/synthesize.js";
import { resolveImage } from "../resolve/resolve.js";
import { defineImage } from "../spec/define.js";
import { debianParent } from "../testing/debian-parent.js";
import { npmStage } from "./npm-stage.js";
import { pythonStage } from "./python-stage.js";
import { stage } from "./stage.js";

const debianBase = debianParent();

function dockerfileWith(stages: ReturnType<typeof stage>[], extra: Record<string, unknown> = {}): string {
  const image = resolveImage(defineImage({ name: "app", description: "a", base: debianBase, stages, ...extra }), {
    file: "apps/app/image.ts",
  });
  return renderDockerfile(synthesizeDockerfile(image, { sourcePath: "apps/app/image.ts" }));
}

describe("stage()", () => {
  test("a build argument's default is written as ENV and LABEL values are: $ stays literal, quotes escaped", () => {
    const built = stage({
      name: "tool",
      from: debianBase,
      args: { GREETING: 'say "hi" to $HOME' },
      steps: [{ run: "true" }],
      output: [{ from: "/out/", to: "/opt/" }],
    });
    expect(built.instructions).toContain('ARG GREETING="say \\"hi\\" to \\$HOME"');
  });

  test("switches a non-root base to root, sets the distro's pipefail SHELL, installs through the mirror and mounts caches", () => {
    const built = stage({
      name: "tool",
      from: debianBase,
      packages: ["make", "gcc"],
      steps: [{ copy: ["src/"] }, { run: "make\nmake install DESTDIR=/out", cache: ["/root/.cache/tool"] }],
      output: [{ from: "/out/usr/local/bin/", to: "/usr/local/bin/" }],
    });
    expect(built.instructions.slice(0, 3)).toEqual([
      "# kiln: runs as root because a build stage ships nothing but the output copied below.",
      "USER root",
      'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]',
    ]);
    expect(built.instructions).toContain('ARG KILN_APT_DEBIAN_MIRROR=""');
    expect(built.instructions.find((i) => i.startsWith("RUN <<")) ?? "").toMatch(/apt-get .* install -y --no-install-recommends gcc make/);
    expect(built.instructions).toContain(
      "RUN --mount=type=cache,id=kiln-root-cache-tool,target=/root/.cache/tool,sharing=locked <<'EOF'\nmake\nmake install DESTDIR=/out\nEOF",
    );
    expect(built.platform).toBe("target");
    const dockerfile = dockerfileWith([built]);
    expect(dockerfile).toContain("FROM kiln.local/debian-base:local AS tool\n");
    expect(dockerfile).toContain("COPY --from=tool /out/usr/local/bin/ /usr/local/bin/");
  });

  test("the distro comes from the definition chain or the reference; an unknown one is an error asking for it", () => {
    expect(stage({ name: "a", from: "alpine:3.22", steps: [], output: [] }).instructions).toContain(
      'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]',
    );
    expect(() => stage({ name: "a", from: "ghcr.io/org/tool:1", steps: [], output: [] })).toThrow(
      /stage "a": cannot tell the distro of ghcr.io\/org\/tool:1/,
    );
  });
});

describe("pythonStage()", () => {
  test("a venv with the requirements, installed before the code is copied, and bytecode; only the venv and the code ship", () => {
    const built = pythonStage({
      name: "compile",
      from: debianBase,
      source: "app",
      requirements: "requirements.txt",
      buildPackages: ["build-essential", "python3-dev"],
      owner: "app",
    });
    const text = built.instructions.join("\n");
    expect(text).toMatch(/install -y --no-install-recommends build-essential python3 python3-dev python3-pip python3-venv/);
    const order = [
      "python3 -m venv --without-pip /opt/venv",
      "COPY app/requirements.txt /build/",
      "pip --python /opt/venv/bin/python install",
      "COPY app/ /opt/app/",
      "python3 -m compileall -q /opt/app /opt/venv",
    ];
    const positions = order.map((needle) => text.indexOf(needle));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain(
      "--mount=type=cache,id=kiln-root-cache-pip,target=/root/.cache/pip,sharing=locked --mount=type=secret,id=kiln-ca",
    );
    expect(text).toContain('export PIP_INDEX_URL="${KILN_PIP_INDEX_URL:-https://pypi.org/simple}"');
    expect(built.copy).toEqual([
      { from: "/opt/venv/", to: "/opt/venv/", owner: "app" },
      { from: "/opt/app/", to: "/opt/app/", owner: "app" },
    ]);
    // The runtime image names only the interpreter; no compiler or pip reaches it.
    const dockerfile = dockerfileWith([built], { packages: ["python3"] });
    const runtime = dockerfile.split("AS app\n")[1] as string;
    expect(runtime).toMatch(/install -y --no-install-recommends python3\n/);
    expect(runtime).not.toMatch(/python3-pip|build-essential/);
  });

  test("without requirements there is no pip at all", () => {
    const text = pythonStage({ name: "compile", from: debianBase, source: "app" }).instructions.join("\n");
    expect(text).toMatch(/install -y --no-install-recommends python3 python3-venv\n/);
    expect(text).not.toMatch(/pip install|python3-pip|PIP_INDEX_URL/);
  });
});

describe("npmStage()", () => {
  test("npm ci from the lock file before the source, npm's cache mounted, once on the build platform", () => {
    const built = npmStage({
      name: "web",
      from: "debian:bookworm",
      source: "site/",
      build: "npm run build",
      output: "./dist/",
      to: "/srv/",
    });
    expect(built.platform).toBe("build");
    const text = built.instructions.join("\n");
    const install = text.indexOf("npm ci");
    expect(text.indexOf("COPY site/package.json site/package-lock.json ./")).toBeLessThan(install);
    expect(text.indexOf("COPY site/ ./")).toBeGreaterThan(install);
    expect(text).toContain("--mount=type=cache,id=kiln-root-npm,target=/root/.npm,sharing=locked");
    expect(text).toContain('ARG KILN_NPM_REGISTRY=""');
    expect(built.copy).toEqual([{ from: "/build/dist/", to: "/srv/", owner: undefined }]);
  });
});
