// @module: commonjs
const api = { name: "lib", add: (a: number, b: number) => a + b };
console.log("lib loaded");
export = api;
