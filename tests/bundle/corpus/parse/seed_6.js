const x = "x value";
export { x as default, x };
