// export * from ES modules and from CommonJS: named imports find the ES
// module's binding first and the CommonJS property otherwise; the namespace
// object has both kinds of names.
import { fromEsm, fromCjs, shared } from './barrel.mjs';
import * as all from './barrel.mjs';
console.log(fromEsm, fromCjs, shared);
console.log(Object.keys(all).join(), all.fromCjs, all.shared);
