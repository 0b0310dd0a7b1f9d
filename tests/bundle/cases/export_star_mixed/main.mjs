// export * from ES modules and from CommonJS: named imports find the ES
// module's binding first and the CommonJS property otherwise.
import { fromEsm, fromCjs, shared } from './barrel.mjs';
console.log(fromEsm, fromCjs, shared);
