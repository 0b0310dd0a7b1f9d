Object.defineProperty(exports, "__proto__", { value: { tag: "cjs" }, enumerable: true });
exports.b = 2;
