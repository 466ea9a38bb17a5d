#!/usr/bin/env node
// kiln-lint: runs the bundled command line (dist/cli.js, built by tsup).
const { main } = await import("../dist/cli.js");
process.exitCode = await main(process.argv.slice(2));
