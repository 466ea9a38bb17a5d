import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { catalogData, loadWorkspace } from "@kiln/core";
import { beforeAll, describe, expect, test } from "vitest";
import type { CatalogData } from "./catalog-data.js";
import { parseCatalog } from "./catalog-data.js";
import { sitePages } from "./generate.js";
import { layoutGraph } from "./graph.js";
import { escapeHtml, formatBytes } from "./html.js";

/** The site rendered from this repository's real catalog, as `kiln catalog` writes it. */
const root = fileURLToPath(new URL("../../../../", import.meta.url));
let data: CatalogData;
let pages: Map<string, string>;

beforeAll(async () => {
  const workspace = await loadWorkspace(root);
  data = parseCatalog(JSON.stringify(catalogData(workspace.images)), "catalog.json");
  pages = sitePages(data);
});

describe("the catalog site", () => {
  test("the index lists every image of the repository with its version and platforms", () => {
    const index = pages.get("index.html") as string;
    expect(data.images.length).toBeGreaterThanOrEqual(14);
    for (const image of data.images) {
      const card = new RegExp(`<li class="card" data-name="${image.name}">[\\s\\S]*?</li>`).exec(index)?.[0] ?? "";
      expect(card, image.name).toContain(`href="images/${image.name}/"`);
      expect(card, image.name).toContain(`<span class="version">${image.version}</span>`);
      for (const platform of image.platforms) expect(card, image.name).toContain(`<span class="platform">${platform}</span>`);
    }
  });

  test("every image has a page with its Dockerfile, escaped, and its README rendered", () => {
    for (const image of data.images) {
      const html = pages.get(`images/${image.name}/index.html`) as string;
      expect(html, image.name).toContain(escapeHtml(image.dockerfile));
      expect(html, image.name).toContain(`<h1>${image.name} <span class="version">${image.version}</span></h1>`);
    }
    const nginx = pages.get("images/debian-nginx/index.html") as string;
    expect(nginx).toContain('<section class="readme"><h1>debian-nginx</h1>');
    expect(nginx).toContain("exec 3&lt;&gt;/dev/tcp/127.0.0.1/8080");
  });

  test("the graph puts each image one column right of its deepest parent and links its boxes", () => {
    const layout = layoutGraph(data);
    const at = (id: string) => layout.nodes.find((node) => node.id === id);
    expect(at("external:debian:bookworm")).toMatchObject({ column: 0, external: true });
    expect(at("debian-base")?.column).toBe(1);
    expect(at("debian-nginx")?.column).toBe(2);
    // catalog is FROM debian-nginx (column 2) with a stage FROM debian-node (column 2).
    expect(at("catalog")?.column).toBe(3);
    expect(layout.edges).toContainEqual({ from: "debian-node", to: "catalog", kind: "stage" });
    const page = pages.get("images/catalog/index.html") as string;
    expect(page).toContain('class="node image current" data-image="catalog"');
    expect(page).toContain('<a href="../../images/debian-nginx/" class="node image" data-image="debian-nginx">');
  });

  test("an image page shows what a container has: inherited ports, and every variable with what it does", () => {
    // The catalog image declares no port or variable of its own; it has debian-nginx's.
    const catalog = pages.get("images/catalog/index.html") as string;
    expect(catalog).toMatch(/<dt>Ports<\/dt><dd><code>8080\/tcp<\/code> <code>8443\/tcp<\/code><\/dd>/);
    expect(catalog).toContain(
      "<tr><td><code>NGINX_TLS_DOMAIN</code></td><td>unset</td><td>turns HTTPS on for this domain, on port 8443; plain HTTP then answers 301</td></tr>",
    );
    expect(catalog).toContain("<tr><td><code>TZ</code></td><td>unset (UTC)</td>");
    const ssh = pages.get("images/debian-ssh/index.html") as string;
    expect(ssh).toContain("<tr><td><code>PUBLIC_KEY</code></td><td>unset</td><td>one or more public keys");
    // A variable the image sets shows the value it has, not the declared default.
    expect(ssh).toContain("<tr><td><code>KILN_SSH_USER</code></td><td><code>app</code></td><td>set by the image</td></tr>");
  });

  test("a catalog of another schema is refused, naming the file and the fix", () => {
    expect(() => parseCatalog('{"images": []}', "data/catalog.json")).toThrow(
      "data/catalog.json: not a kiln catalog of schema 2 (write it with: kiln catalog --out data/catalog.json)",
    );
  });

  test("sizes read as people read them, and markup characters never pass through", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(31_457_280)).toBe("30.0 MiB");
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  test("the workspace and the site's Node stage use the same marked release", () => {
    const read = (file: string) => JSON.parse(readFileSync(new URL(file, import.meta.url), "utf8"));
    expect(read("../../package.json").devDependencies.marked).toBe(read("../package.json").dependencies.marked);
  });
});
