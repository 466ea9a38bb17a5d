import type { CatalogData } from "./catalog-data.js";
import { escapeHtml } from "./html.js";

/** A box in the graph: a workspace image (linked), or a registry base outside the workspace. */
export interface GraphNode {
  id: string;
  label: string;
  external: boolean;
  column: number;
  row: number;
}

/** FROM (the base) or a build stage's image, whose output is copied in. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: "base" | "stage";
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  columns: number;
  rows: number;
}

/**
 * Columns by depth (a registry base, then each image one column right of its deepest parent),
 * rows in build order within a column, parents' rows first, so children sit near their parents.
 */
export function layoutGraph(data: CatalogData): GraphLayout {
  const edges: GraphEdge[] = [];
  const externals = new Map<string, string>();
  for (const image of data.images) {
    const base = image.base.image ?? externalId(image.base.reference, externals);
    edges.push({ from: base, to: image.name, kind: "base" });
    for (const stage of image.stages) edges.push({ from: stage.image ?? externalId(stage.from, externals), to: image.name, kind: "stage" });
  }

  const column = new Map<string, number>();
  for (const id of externals.values()) column.set(id, 0);
  // Build order puts parents first, so one pass settles every depth.
  for (const image of data.images) {
    const parents = edges.filter((edge) => edge.to === image.name).map((edge) => column.get(edge.from) ?? 0);
    column.set(image.name, Math.max(0, ...parents) + 1);
  }

  const ids = [...externals.values(), ...data.images.map((image) => image.name)];
  const rowOf = new Map<string, number>();
  const columns = Math.max(...column.values()) + 1;
  let rows = 0;
  for (let c = 0; c < columns; c++) {
    const inColumn = ids.filter((id) => column.get(id) === c);
    const parentRow = (id: string) => {
      const rowsOfParents = edges.filter((e) => e.to === id && e.kind === "base").map((e) => rowOf.get(e.from) ?? 0);
      return rowsOfParents.length > 0 ? Math.min(...rowsOfParents) : 0;
    };
    inColumn.sort((a, b) => parentRow(a) - parentRow(b));
    inColumn.forEach((id, row) => rowOf.set(id, row));
    rows = Math.max(rows, inColumn.length);
  }

  const labels = new Map([...externals].map(([reference, id]) => [id, reference]));
  const nodes = ids.map((id) => ({
    id,
    label: labels.get(id) ?? id,
    external: labels.has(id),
    column: column.get(id) ?? 0,
    row: rowOf.get(id) ?? 0,
  }));
  return { nodes, edges, columns, rows };
}

function externalId(reference: string, externals: Map<string, string>): string {
  const existing = externals.get(reference);
  if (existing) return existing;
  const id = `external:${reference}`;
  externals.set(reference, id);
  return id;
}

const box = { width: 168, height: 34, columnGap: 56, rowGap: 14, margin: 8 };

/**
 * The graph as inline SVG: no script, scales to the page, and every image box links to its page.
 * `current` is highlighted; `root` is the path from the page to the site root.
 */
export function renderGraph(layout: GraphLayout, options: { root: string; current?: string }): string {
  const x = (column: number) => box.margin + column * (box.width + box.columnGap);
  const y = (row: number) => box.margin + row * (box.height + box.rowGap);
  const width = x(layout.columns) - box.columnGap + box.margin;
  const height = y(layout.rows) - box.rowGap + box.margin;
  const byId = new Map(layout.nodes.map((node) => [node.id, node]));

  const edges = layout.edges.map((edge) => {
    const from = byId.get(edge.from) as GraphNode;
    const to = byId.get(edge.to) as GraphNode;
    const x1 = x(from.column) + box.width;
    const y1 = y(from.row) + box.height / 2;
    const x2 = x(to.column);
    const y2 = y(to.row) + box.height / 2;
    const bend = (x2 - x1) / 2;
    return `<path class="edge ${edge.kind}" d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2 - 6},${y2}" marker-end="url(#arrow)"><title>${escapeHtml(
      edge.kind === "base"
        ? `${to.label} is built FROM ${from.label}`
        : `${to.label} copies the output of a build stage FROM ${from.label}`,
    )}</title></path>`;
  });

  const nodes = layout.nodes.map((node) => {
    const classes = ["node", node.external ? "external" : "image", node.id === options.current ? "current" : ""].filter(Boolean).join(" ");
    const label = node.label.length > 22 ? `${node.label.slice(0, 21)}…` : node.label;
    const shape = `<rect x="${x(node.column)}" y="${y(node.row)}" width="${box.width}" height="${box.height}" rx="6"/><text x="${x(node.column) + box.width / 2}" y="${y(node.row) + box.height / 2}">${escapeHtml(label)}</text>`;
    return node.external
      ? `<g class="${classes}"><title>${escapeHtml(node.label)} (from a registry)</title>${shape}</g>`
      : `<a href="${options.root}images/${encodeURIComponent(node.id)}/" class="${classes}" data-image="${escapeHtml(node.id)}"><title>${escapeHtml(node.label)}</title>${shape}</a>`;
  });

  return `<figure class="graph">
<div class="graph-scroll">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="graph-title">
<title id="graph-title">Image graph: which image is built FROM which</title>
<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z"/></marker></defs>
${edges.join("\n")}
${nodes.join("\n")}
</svg>
</div>
<figcaption>Solid: built FROM. Dashed: a build stage's output copied in. Registry bases in grey.</figcaption>
</figure>`;
}
