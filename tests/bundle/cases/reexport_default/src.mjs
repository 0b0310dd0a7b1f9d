let value = 1;
export { value as default };
export function bump() { value += 1; }
