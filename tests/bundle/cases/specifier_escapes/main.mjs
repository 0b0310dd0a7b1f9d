// Escapes in module specifiers and string export names are decoded as
// node decodes them: each import below names a plain file.
import a from "./\x61.mjs";
import { b } from './\u0062.mjs';
import { c } from "./\u{63}.mjs";
import { "d\u00e9j\u00e0" as d } from "./\u{64}\
.mjs";
import e from './\u{6c}ib.cjs';
console.log(a, b, c, d, e);
