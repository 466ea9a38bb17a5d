#!/usr/bin/env node
// kiln-lint: runs the bundled command line (dist/cli.js, built by tsup).
import { setFlagsFromString } from "node:v8";

// The shell grammar is a large WebAssembly module. V8's optimizing tier recompiles its parse
// tables in the background, which costs more CPU than a whole lint run gains from it (100
// Dockerfiles: 1.1 s of CPU with it, 0.45 s without); the baseline compiler alone is enough.
// Set here, before anything compiles WebAssembly, because the command line owns the process.
setFlagsFromString("--liftoff-only");
const { main } = await import("../dist/cli.js");
process.exitCode = await main(process.argv.slice(2));
