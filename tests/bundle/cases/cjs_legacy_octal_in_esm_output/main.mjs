// CommonJS may hold legacy octal numbers and escapes (sloppy code only);
// ES module output is strict, so they are rewritten there (0777 as 511,
// "\101" as "\x41"), as esbuild rewrites them (advbundle2 G3, mkdirp@0.3.5).
import values from './legacy.cjs';
import { mode } from './mode.cjs';
console.log(JSON.stringify(values()));
console.log(mode.toString(8));
