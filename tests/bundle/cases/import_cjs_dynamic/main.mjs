// import() of CommonJS gives a namespace whose default is module.exports.
const ns = await import('./lib.cjs');
console.log(typeof ns.default, ns.default.greet('x'), ns.greet('y'));
