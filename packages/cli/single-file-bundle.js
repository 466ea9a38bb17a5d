// How dist/kiln.cjs is made, kiln's bin in one CommonJS file (with the @kiln packages from their
// sources and most of their dependencies) which the bin runs with a V8 code cache, and
// dist/code-cache.cjs, the runner (src/code-cache.ts). Used by tsup.config.ts (the published
// package) and bin/workspace-bundles.js (a checkout).
import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * Left out of the bundle and required at run time: WebAssembly and JSON data found beside
 * their own files, dockerode (TLS, ssh and named-pipe engines only) and the SBOM library (--push
 * only), whose optional dependencies need not be installed.
 */
export const external = ["dockerode", "esbuild", "web-tree-sitter", "tree-sitter-bash", "spdx-license-ids", "@cyclonedx/cyclonedx-library"];

/**
 * esbuild's options for packages/cli/dist/kiln.cjs; packagesDir holds the @kiln packages' sources.
 * @param {string} packagesDirectory
 * @returns {import("esbuild").BuildOptions}
 */
export function singleFileBundle(packagesDirectory) {
  const packagesDir = path.resolve(packagesDirectory);
  const cliDir = path.join(packagesDir, "cli");
  return {
    ...commonJsForNode(cliDir),
    entryPoints: { kiln: "src/bundled-main.ts" },
    minifyWhitespace: true,
    minifySyntax: true,
    external,
    // A script run by vm.Script has no loader for import(): a left-out package is required.
    supported: { "dynamic-import": false },
    // import.meta.url of a bundled dependency: the bundle's own (yargs and yargs-parser use it only
    // to find their optional translations). Files of @kiln packages get their own package's below.
    define: { "import.meta.url": "__kilnBundleUrl" },
    banner: {
      // Evaluated first: a bundled module may declare a top-level __dirname of its own (yargs does),
      // which then stands for the wrapper's in the rest of the file.
      js: [
        'var __kilnBundleUrl = require("node:url").pathToFileURL(__filename).href;',
        'var __kilnPackagesDir = require("node:path").join(__dirname, "..", "..");',
        "var __kilnPackageUrl = (name) =>",
        '  require("node:url").pathToFileURL(require("node:path").join(__kilnPackagesDir, name, "dist", "index.js")).href;',
        "var __kilnSegmenter;",
        "var __kilnLazySegmenter = () => ({ segment: (text) => (__kilnSegmenter ??= new Intl.Segmenter()).segment(text) });",
      ].join("\n"),
    },
    plugins: [kilnSources(packagesDir), lazySegmenter, jitiInBundle],
  };
}

/**
 * esbuild's options for packages/cli/dist/code-cache.cjs, the runner bin/kiln.js requires: CommonJS
 * like the bin, so no ES module loader starts before the bundle runs.
 * @param {string} packagesDirectory
 * @returns {import("esbuild").BuildOptions}
 */
export function codeCacheRunner(packagesDirectory) {
  return {
    ...commonJsForNode(path.join(path.resolve(packagesDirectory), "cli")),
    entryPoints: { "code-cache": "src/code-cache.ts" },
  };
}

/**
 * What both outputs share: one CommonJS file per entry in the cli's dist/, for Node 20.
 * @param {string} cliDir
 * @returns {import("esbuild").BuildOptions}
 */
function commonJsForNode(cliDir) {
  return {
    absWorkingDir: cliDir,
    outdir: "dist",
    outExtension: { ".js": ".cjs" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: true,
    logLevel: "error",
  };
}

/**
 * `@kiln/<name>` from packages/<name>/src, and each package's `import.meta.url` as its dist/index.js
 * would see it (a sibling of @kiln/cli, in a checkout and in an installed tree alike): features find
 * their files directories and the definition loader its jiti and sibling packages where they are.
 */
function kilnSources(packagesDir) {
  return {
    name: "kiln-sources",
    setup(build) {
      build.onResolve({ filter: /^@kiln\/[^/]+$/ }, (args) => ({
        path: path.join(packagesDir, args.path.slice("@kiln/".length), "src", "index.ts"),
      }));
      const sourceFile = new RegExp(`^${escapeRegExp(packagesDir)}/[^/]+/src/.*\\.ts$`);
      build.onLoad({ filter: sourceFile }, async (args) => {
        const name = path.relative(packagesDir, args.path).split(path.sep)[0];
        const text = await readFile(args.path, "utf8");
        return { contents: text.replaceAll("import.meta.url", `__kilnPackageUrl(${JSON.stringify(name)})`), loader: "ts" };
      });
    },
  };
}

/**
 * string-width (yargs' layout, through cliui and wrap-ansi) creates an Intl.Segmenter when it
 * loads, which costs about 10 ms per copy (ICU's segmentation data) and two copies are bundled;
 * kiln measures text only to print help or a usage error. The segmenter is made on first use
 * instead. Any other text is left as it is (another version is only slower, never different).
 */
const segmenterAtLoad = "const segmenter = new Intl.Segmenter();";
const lazySegmenter = {
  name: "lazy-segmenter",
  setup(build) {
    build.onLoad({ filter: /\/node_modules\/string-width\/index\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      return { contents: text.replace(segmenterAtLoad, "const segmenter = __kilnLazySegmenter();"), loader: "js" };
    });
  },
};

/**
 * jiti's ESM entry, bundled: babel (1.5 MB, only for a definition not in jiti's transpile cache)
 * is still required from jiti's own directory, and jiti's import() of ES modules goes through
 * __kilnImport, a real import() that code-cache.ts passes in (a vm.Script has no loader for
 * import()). Should jiti's entry change, the build fails here rather than bundling it wrong.
 */
const jitiInBundle = {
  name: "jiti-in-bundle",
  setup(build) {
    build.onLoad({ filter: /\/node_modules\/jiti\/lib\/jiti\.mjs$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      const replacements = [
        ["import.meta.url", 'require("node:url").pathToFileURL(require.resolve("jiti")).href'],
        ["const nativeImport = (id) => import(id);", "const nativeImport = (id) => __kilnImport(id);"],
      ];
      let contents = text;
      for (const [from, to] of replacements) {
        if (!contents.includes(from)) throw new Error(`${args.path}: no "${from}"; update jitiInBundle in single-file-bundle.js`);
        contents = contents.replaceAll(from, to);
      }
      return { contents, loader: "js" };
    });
  },
};

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
