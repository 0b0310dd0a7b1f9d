// package.json "imports": #specifiers, exact and with * patterns.
import { util } from '#util';
import { feature } from '#feat/alpha';
console.log(util(), feature);
