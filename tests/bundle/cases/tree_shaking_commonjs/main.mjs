// A CommonJS (or JSON) module of a "sideEffects": false package is not
// evaluated when nothing reads what is imported from it (esbuild's rule):
// it leaves the bundle with what only it requires.  One that is read -
// directly, through a namespace, through an ES module's re-export, inside
// a function, or required by kept code - stays.
import { unusedThing } from './vendor/free/index.js';
import './vendor/free/bare.js';
import data from './vendor/free/data.json' with { type: 'json' };
import { esmSide, fromCjs } from './vendor/mixed/index.js';
import usedDefault, { usedName } from './vendor/read/index.js';
import * as viaNs from './vendor/read/ns.js';
import { later } from './vendor/read/later.js';
import { needsDep } from './vendor/read/requirer.js';

function callLater() { return later; }
console.log(usedName, typeof usedDefault, esmSide, fromCjs, viaNs.nsName, callLater(), needsDep);
