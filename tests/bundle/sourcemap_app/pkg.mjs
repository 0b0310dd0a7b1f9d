// pkg.mjs: cases whose frames lie in a published package (immer's
// dist/immer.mjs); the reference for their frames is node running this
// file unbundled (pkg-ref.mjs).
import { produce, enableMapSet } from 'immer';

export const pkgCases = [
  ['immer-produce-not-a-function', () => produce({}, 1)],
  ['immer-frozen-map', () => {
    enableMapSet();
    const m = produce(new Map([['a', 1]]), (d) => { d.set('b', 2); });
    return produce(m, (d) => { d.get('zz').x = 1; });
  }],
];
