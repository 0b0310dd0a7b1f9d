// export * as ns re-exports a namespace; default is not part of export *.
import { utils, plain } from './index.mjs';
import * as all from './index.mjs';
console.log(utils.twice(4), plain, Object.keys(utils).join(','), 'default' in all, typeof all.utils);
