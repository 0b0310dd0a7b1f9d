// jsx_render.mjs MODULE: renders the default export of a compiled JSX case
// with react-dom/server and describes its element tree (types, keys,
// props).  Prints three lines: the description with component types by
// their function names, the same without them (a minifier renames
// functions, so minified output is compared on that one), and the HTML.
// jsx_refs.mjs copies it beside a node_modules (scripts/npm/js) to run.
import React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
const App = (await import(process.argv[2])).default;
function describe(e, named) {
  if (Array.isArray(e)) return e.map((x) => describe(x, named));
  if (!e || typeof e !== 'object') return e;
  const t = e.type;
  const type = typeof t === 'string' ? t : t === React.Fragment ? 'Fragment' : t?.$$typeof ? String(t.$$typeof) : named ? t?.name || '?' : 'component';
  const props = {};
  for (const [k, v] of Object.entries(e.props || {})) props[k] = k === 'children' ? describe(v, named) : typeof v === 'function' ? 'fn' : v;
  return { type, key: e.key, props };
}
console.log(JSON.stringify(describe(App(), true)));
console.log(JSON.stringify(describe(App(), false)));
console.log(renderToStaticMarkup(React.createElement(App)));
