import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseCatalog, type CatalogData } from "./catalog-data.js";
import { imagePage, indexPage } from "./pages.js";

/** Every file of the site, by path relative to its root. */
export function sitePages(data: CatalogData): Map<string, string> {
  const files = new Map<string, string>([["index.html", indexPage(data)]]);
  for (const image of data.images) files.set(`images/${image.name}/index.html`, imagePage(image, data));
  return files;
}

/** Writes the site into a sibling temp directory, then swaps it in: no half-written site. */
export function generateSite(dataFile: string, outDir: string, staticDir: string): number {
  const data = parseCatalog(readFileSync(dataFile, "utf8"), dataFile);
  const temp = `${outDir}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  try {
    cpSync(staticDir, temp, { recursive: true });
    for (const [file, content] of sitePages(data)) {
      mkdirSync(path.dirname(path.join(temp, file)), { recursive: true });
      writeFileSync(path.join(temp, file), content);
    }
    rmSync(outDir, { recursive: true, force: true });
    renameSync(temp, outDir);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return data.images.length;
}

const [dataFile, outDir] = process.argv.slice(2);
if (dataFile && outDir && process.argv[1]?.endsWith("generate.mjs")) {
  try {
    const count = generateSite(dataFile, outDir, "static");
    console.log(`catalog site: ${count} image pages written to ${outDir}`);
  } catch (error) {
    console.error(`catalog site: ${(error as Error).message}`);
    process.exit(1);
  }
}
