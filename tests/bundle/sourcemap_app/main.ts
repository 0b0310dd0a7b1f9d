// main.ts: the source-map check's entry: every case throws, and
// sourcemap_check.mjs maps the bundle's frames back through the map.
import { report } from './report.js';
import { Rect } from './lib/shapes';
import { evaluate, Tok } from './lib/deep/parse';
import { pick, config } from './lib/legacy.js';
import { pkgCases } from './pkg.mjs';

type Case = [name: string, fn: () => unknown];

const cases: Case[] = [
  ['shape-check', () => new Rect(6, 7).grow(4)], // @frame shape-check 2
  ['parse-bad-token', () => evaluate(`1 + 2 ${Tok[Tok.End]} 3`)], // @frame parse-bad-token 3
  ['legacy-pick', () => pick({ a: 1 } as Record<string, number>, 'b')], // @frame legacy-pick 2
  ['legacy-getter', () => (config as { strict: boolean }).strict],
];
for (const [name, fn] of [...cases, ...(pkgCases as Case[])]) report(name, fn);
