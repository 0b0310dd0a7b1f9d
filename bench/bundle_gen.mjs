// bundle_gen.mjs - generates the bundler benchmark's inputs.
//
//   node bundle_gen.mjs app N DIR      an app of N modules with a realistic import
//                               graph (see below), entry DIR/index.js
//   node bundle_gen.mjs three K SRC DIR  K copies of three.js's src/ (SRC) and an
//                               entry DIR/index.js importing every copy
//
// The app: module i imports its children 3i+1..3i+3 (so every module is
// reached, depth ~log3 N), one random later module, and, for every 7th
// module, its parent (a cycle, used only inside a hoisted function).
// Imports mix named, default and namespace forms; named imports of leaf
// modules go through `export *` barrels; every 10th module imports JSON.
// Values are deterministic, so a bundle must print what node prints.
import fs from 'node:fs';
import path from 'node:path';

const [, , kind, ...args] = process.argv;
let seed = 12345;
const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
const P = 1000003;

function app(n, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const isLeaf = (i) => 3 * i + 1 >= n;
  const barrelOf = (i) => `barrel_${Math.floor(i / 100)}.js`;
  const barrels = new Map();
  for (let k = 0; k < 100; k++)
    fs.writeFileSync(path.join(dir, 'data', `d_${k}.json`), JSON.stringify({ id: k, weight: (k * 37) % 101, tags: ['a', 'b', String(k)] }) + '\n');
  for (let i = 0; i < n; i++) {
    const lines = [`// module ${i}`];
    const terms = [String(i)];
    const kids = [];
    for (let c = 3 * i + 1; c <= 3 * i + 3 && c < n; c++) kids.push(c);
    if (!isLeaf(i) && i + 1 < n && rand(2) === 0) {
      const extra = i + 1 + rand(n - i - 1);
      if (!kids.includes(extra)) kids.push(extra);
    }
    for (const [k, c] of kids.entries()) {
      const style = (i + k) % 3;
      if (style === 0) {
        const from = isLeaf(c) ? `./${barrelOf(c)}` : `./m_${c}.js`;
        if (isLeaf(c)) {
          if (!barrels.has(barrelOf(c))) barrels.set(barrelOf(c), []);
          barrels.get(barrelOf(c)).push(c);
        }
        lines.push(`import { v_${c}, f_${c} } from '${from}';`);
        terms.push(`f_${c}(v_${c})`);
      } else if (style === 1) {
        lines.push(`import m${c} from './m_${c}.js';`);
        terms.push(`m${c}.v`);
      } else {
        lines.push(`import * as ns${c} from './m_${c}.js';`);
        terms.push(`ns${c}.v_${c}`);
      }
    }
    const parent = 0; /* always mid-evaluation first: a cycle safe for TDZ */
    const cyc = i > 0 && i % 7 === 0 && !isLeaf(i);
    if (cyc) lines.push(`import { g_${parent} } from './m_${parent}.js';`);
    if (i % 10 === 0) {
      lines.push(`import data from './data/d_${i % 100}.json' with { type: 'json' };`);
      terms.push('data.weight');
    }
    lines.push(`export const v_${i} = (${terms.join(' + ')}) % ${P};`);
    lines.push(`export function f_${i}(x) { return (x * 31 + v_${i}) % ${P}; }`);
    lines.push(`export function g_${i}(x) { return x <= 0 ? v_${i} : (f_${i}(x)${cyc ? ` + g_${parent}(x - 1)` : ''}) % ${P}; }`);
    lines.push(`export class C_${i} { get value() { return v_${i}; } }`);
    lines.push(`export default { v: v_${i}, f: f_${i} };`);
    fs.writeFileSync(path.join(dir, `m_${i}.js`), lines.join('\n') + '\n');
  }
  for (const [file, mods] of barrels)
    fs.writeFileSync(path.join(dir, file), [...new Set(mods)].map((c) => `export * from './m_${c}.js';`).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  fs.writeFileSync(path.join(dir, 'index.js'),
    `import { v_0, g_0 } from './m_0.js';\nimport * as root from './m_0.js';\n` +
    `console.log('app', ${n}, v_0, g_0(5), Object.keys(root).join(','), new root.C_0().value);\n`);
}

function three(k, src, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const lines = [];
  for (let c = 0; c < k; c++) {
    fs.cpSync(src, path.join(dir, `copy${c}`), { recursive: true });
    lines.push(`import * as copy${c} from './copy${c}/Three.js';`);
  }
  lines.push(`const all = [${Array.from({ length: k }, (_, c) => `copy${c}`).join(', ')}];`);
  lines.push(`const v = new copy0.Vector3(1, 2, 3).applyMatrix4(new copy${k - 1}.Matrix4().makeRotationY(0.5));`);
  lines.push(`console.log('three', all.length, all.map((t) => Object.keys(t).length).join(','), copy0.REVISION, v.toArray().map((x) => x.toFixed(4)).join(' '));`);
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  fs.writeFileSync(path.join(dir, 'index.js'), lines.join('\n') + '\n');
}

if (kind === 'app') app(Number(args[0]), args[1]);
else if (kind === 'three') three(Number(args[0]), args[1], args[2]);
else {
  console.error('usage: node bundle_gen.mjs app N DIR | node bundle_gen.mjs three K SRC DIR');
  process.exit(2);
}
