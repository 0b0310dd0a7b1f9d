// A module reached only through import() runs when the import happens,
// once, with its private dependencies; its namespace is live.
console.log('main starts');
const load = () => import('./lazy.mjs');
console.log('before import');
const a = await load();
const b = await load();
console.log(a === b, a.value, a.helperName(), Object.keys(a).join(','));
a.bump();
console.log(a.value);
