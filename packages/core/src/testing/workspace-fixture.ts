import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A throw-away kiln workspace on disk, for tests of loading, synthesis and the CLI. */
export interface WorkspaceFixture {
  root: string;
  addImage(name: string, imageTs: string, dependencies?: string[], version?: string): string;
  write(relativePath: string, content: string): void;
  remove(): void;
}

export function createWorkspaceFixture(): WorkspaceFixture {
  const root = mkdtempSync(path.join(tmpdir(), "kiln-ws-"));
  writeFileSync(path.join(root, "pnpm-workspace.yaml"), "packages:\n  - images/*\n");
  const write = (relativePath: string, content: string) => {
    const file = path.join(root, relativePath);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  return {
    root,
    write,
    addImage(name, imageTs, dependencies = [], version = "1.0.0") {
      const deps: Record<string, string> = { "@kiln/core": "workspace:*" };
      for (const dependency of dependencies) deps[dependency] = "workspace:*";
      write(`images/${name}/package.json`, JSON.stringify({ name, version, private: true, dependencies: deps }, null, 2));
      write(`images/${name}/image.ts`, imageTs);
      return path.join(root, "images", name);
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** image.ts source for a small valid Alpine image, optionally built on a workspace parent. */
export function imageSource(name: string, options: { parent?: string; extra?: string } = {}): string {
  const parentImport = options.parent ? `import parent from "${options.parent}/image";\n` : "";
  const base = options.parent ? "parent" : '"alpine:3.22"';
  const account = options.parent ? "" : 'users: [{ name: "app", uid: 10001 }], user: "app",';
  return `import { defineImage } from "@kiln/core";
${parentImport}
export default defineImage({ name: "${name}", description: "${name} image", base: ${base}, ${account} ${options.extra ?? ""} });
`;
}
