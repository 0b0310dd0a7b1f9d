// The demo app: ESM with a cycle, a namespace import, JSON and CommonJS.
import { area, describe } from './shapes/index.mjs';
import * as units from './units.mjs';
import config from './config.json' with { type: 'json' };
import legacy from '../lib/legacy.cjs';

const shapes = [{ kind: 'circle', r: 1 }, { kind: 'square', side: 2 }];
for (const s of shapes) console.log(describe(s), area(s).toFixed(3) + units.suffix);
console.log(config.title, legacy.version, legacy.shout('bundled'));
