// the same top-level name as main.mjs's import: one of them is renamed
let __proto__ = ["other"];
export function other() {
  const o = { __proto__ };
  return [Object.getPrototypeOf(o) === Object.prototype, Object.keys(o).join(), Array.isArray(o.__proto__)].join(" ");
}
