// CommonJS in a .js file (no "type": "module" above it)
console.log('side.js runs');
module.exports = { b: 2 };
