globalThis.polyfilled = true;
console.log('polyfill runs', globalThis.polyfilled);
