// JSON imported by ESM and required by CommonJS.
import data from './data.json' with { type: 'json' };
import { fromCjs } from './reader.cjs';
console.log(data.name, data.list.length, fromCjs());
