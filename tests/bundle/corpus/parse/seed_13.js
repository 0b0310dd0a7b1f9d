// import() of a bundled module resolves to its namespace.
import { value } from './static.mjs';
const ns = await import('./static.mjs');
console.log(value, ns.value, ns.double(4));
import('./static.mjs').then((m) => console.log('then', m.value));
