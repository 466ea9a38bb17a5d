// Imported by bundled-main.ts before any other module, so before any schema exists: zod reads
// `jitless` when a schema is made. zod's JIT compiles a parser for each object schema with
// new Function on first use, code that V8's cache cannot keep between runs; parsing without it
// costs less than compiling it again on every start (`kiln build --dry-run`: about 10 ms, 5%).
// The results and the error messages are the same either way.
import { z } from "zod";

z.config({ jitless: true });
