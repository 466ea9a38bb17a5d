import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  execute,
  findWorkspaceRoot,
  imageNameSchema,
  imageReferenceSchema,
  loadWorkspace,
  readWorkspace,
  synthImages,
  UsageError,
} from "@kiln/core";
import { splitImageReference } from "@kiln/reference";
import { note } from "../output.js";

export interface NewArgs {
  name: string;
  from: string | undefined;
  distro: "alpine" | "debian" | "ubuntu";
  install: boolean;
  /** an application shipped on the family's images: written under apps/ instead of images/ */
  app: boolean;
}

const defaultBases = { alpine: "alpine:3.22", debian: "debian:bookworm", ubuntu: "ubuntu:24.04" } as const;

/**
 * `kiln new <name>`: scaffolds images/<name> (apps/<name> with --app: package.json, image.ts,
 * README.md), synthesizes its Dockerfile and links it into the workspace. The directory appears
 * whole or not at all.
 */
export async function newImage(args: NewArgs, _signal: AbortSignal): Promise<void> {
  const root = findWorkspaceRoot(process.cwd());
  const nameCheck = imageNameSchema.safeParse(args.name);
  if (!nameCheck.success)
    throw new UsageError(`name: "${args.name}": ${nameCheck.error.issues[0]?.message}`, "choose a name like alpine-redis");
  const top = args.app ? "apps" : "images";
  const dir = path.join(root, top, args.name);
  const workspace = readWorkspace(root);
  const clash = workspace.images.find((pkg) => pkg.name === args.name);
  if (existsSync(dir) || clash) {
    throw new UsageError(
      `${clash ? path.relative(root, clash.dir) : `${top}/${args.name}`} already exists`,
      "choose another name, or edit that image's image.ts",
    );
  }

  const parent = args.from ? workspace.images.find((pkg) => pkg.name === args.from) : undefined;
  // A registry base must say its tag: a bare word is far more often a misspelt workspace image
  // than a wish for the registry's `latest`.
  const fromParts = args.from !== undefined ? splitImageReference(args.from) : undefined;
  const explicitReference =
    args.from !== undefined &&
    imageReferenceSchema.safeParse(args.from).success &&
    (fromParts?.tag !== undefined || fromParts?.digest !== undefined);
  if (args.from && !parent && !explicitReference) {
    throw new UsageError(
      `--from ${args.from}: not an image of this workspace${imageReferenceSchema.safeParse(args.from).success ? ", and a registry base needs its tag" : " nor an image reference"}`,
      `use one of: ${
        workspace.images
          .map((p) => p.name)
          .sort()
          .join(", ") || "(none yet)"
      }, or a reference with its tag like debian:bookworm`,
    );
  }
  const base = parent ? undefined : (args.from ?? defaultBases[args.distro]);
  const files = scaffold(args.name, parent?.name, base, args.distro);

  // Write into a temp directory and rename it into place: an error or Ctrl-C leaves nothing behind.
  const temp = path.join(root, top, `.kiln-tmp-new-${args.name}`);
  rmSync(temp, { recursive: true, force: true });
  try {
    mkdirSync(temp, { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(path.join(temp, file), content);
    renameSync(temp, dir);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }

  try {
    const loaded = await loadWorkspace(root, { only: [args.name] });
    await synthImages(
      root,
      loaded.images.filter((image) => image.pkg.name === args.name),
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  note(args.name, "new", `created ${top}/${args.name} (image.ts, package.json, README.md, Dockerfile)`);

  if (args.install) {
    const result = await execute({ command: "pnpm", args: ["install", "--prefer-offline"] }, { cwd: root });
    if (result.exitCode === 0) note(args.name, "new", "linked into the workspace (pnpm install)");
    else note(args.name, "new", `pnpm install failed; run it yourself before building:\n${result.stderr.trim()}`);
  }
  note(args.name, "new", `next: edit ${top}/${args.name}/image.ts, then pnpm turbo build --filter=${args.name}`);
}

function scaffold(name: string, parent: string | undefined, base: string | undefined, distro: NewArgs["distro"]): Record<string, string> {
  const dependencies: Record<string, string> = { "@kiln/core": "workspace:*" };
  if (parent) dependencies[parent] = "workspace:*";
  const packageJson = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    description: parent ? `${name}, built on ${parent}` : `${name}, built on ${base}`,
    exports: { "./image": "./image.ts" },
    scripts: { synth: "kiln synth", build: "kiln build" },
    dependencies,
    devDependencies: { "@kiln/cli": "workspace:*" },
  };
  const parentImport = parent ? `import ${camel(parent)} from "${parent}/image";\n` : "";
  const account = parent
    ? "  // The user, entrypoint and command are inherited from the parent image.\n"
    : `  users: [{ name: "app", uid: 10001 }],\n  user: "app",\n`;
  const features = parent ? "" : "  features: [tini()],\n";
  const imageTs = `import { defineImage${parent ? "" : ", tini"} } from "@kiln/core";
${parentImport}
export default defineImage({
  name: "${name}",
  description: "${packageJson.description}",
  base: ${parent ? camel(parent) : JSON.stringify(base)},
${parent ? "" : `  distro: "${distro}",\n`}${features}  packages: [],
${account}  tests: [{ kind: "command", name: "the image runs a command", run: ["true"] }],
});
`;
  const readme = `# ${name}

${packageJson.description}.

Defined in \`image.ts\`; \`Dockerfile\` is generated from it by \`kiln synth\` (do not edit it by hand).

\`\`\`sh
pnpm turbo build --filter=${name}   # synthesize and build for linux/amd64 and linux/arm64
pnpm kiln test ${name}              # run the image's tests on a container per platform
\`\`\`
`;
  return { "package.json": `${JSON.stringify(packageJson, null, 2)}\n`, "image.ts": imageTs, "README.md": readme };
}

function camel(name: string): string {
  return name.replace(/[-_.]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
