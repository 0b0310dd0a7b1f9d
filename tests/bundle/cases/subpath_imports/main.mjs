// package.json "imports": #specifiers, exact and with * patterns.
import { util } from '#util';
import { feature } from '#feat/alpha';
import { dual } from '#dual'; // the bundler takes `module` before `import`, as esbuild does
console.log(util(), feature, dual);
