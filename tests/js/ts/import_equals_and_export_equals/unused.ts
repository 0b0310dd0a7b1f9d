// @module: commonjs
console.log("unused loaded (only when not elided)");
export = 1;
