// an export named __proto__ (a namespace object's own property)
const x = { tag: "export" };
export { x as __proto__ };
export default "default";
