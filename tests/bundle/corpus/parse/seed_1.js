// CommonJS from ESM and back: default is module.exports, names are properties.
import lib, { add } from './lib.cjs';
import esm from './esmodule.cjs';
import * as ns from './lib.cjs';
import { createRequire } from 'node:module';
console.log(typeof lib, lib.add(1, 2), add(2, 3), ns.default === lib);
console.log(esm.__esModule, typeof esm.default, esm.named);
console.log(lib.counter(), lib.counter());
