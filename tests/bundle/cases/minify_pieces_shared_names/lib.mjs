// --minify cuts the bundle into pieces minified in parallel: this
// module's top-level names are read from other pieces' nested scopes,
// whose own locals take the shortest names; no local may capture them.
export let total = 0;
let calls = 0;
const table = [1, 2, 3, 4, 5, 6, 7, 8];
export function add(x) {
  calls++;
  function inner(a, b, c, d, e) {
    const f = a + b, g = c + d, h = e * 2;
    return f + g + h + table[a % table.length];
  }
  total += inner(x, x + 1, x + 2, x + 3, x + 4);
  return total;
}
export function stats() { return { total, calls }; }
