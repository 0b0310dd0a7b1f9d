// Every form of default export.
import f from './fn_named.mjs';
import g from './fn_anon.mjs';
import C from './class_named.mjs';
import D from './class_anon.mjs';
import v from './expr.mjs';
import w, { x as xx } from './as_default.mjs';
import arrow from './arrow.mjs';
console.log(f(), g(), new C().who(), new D().who(), v, w, xx, arrow(2));
console.log(typeof f, f.name);
