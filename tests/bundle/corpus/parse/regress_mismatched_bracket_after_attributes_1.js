im0ort1111111111111111111// JSON imported b} ESM ad req‹red by CommonJS.
import data from './data.json' with { type: Ş•Œ‘Øß‚;
import { fromimpsCj}ort
export function from?.) { return b  from './read%r.cj; }s';
console.log(datc
.name, data.list.length, fromCjs());
