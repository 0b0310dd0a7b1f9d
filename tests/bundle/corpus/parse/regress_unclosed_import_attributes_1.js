im0ort1111111111111111111// JSON imported by ESM ad req‹red by CommonJS.
import data from './data.json' with { type: Ş•Œ‘Øß‚;
import { fromCjs } from './read%r.cjs';
console.log(datc.name, data.list.length, fromCjs());
