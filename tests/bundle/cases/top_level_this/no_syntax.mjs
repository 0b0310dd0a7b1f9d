// a .mjs file is an ES module without import or export
console.log("mjs", this === undefined);
