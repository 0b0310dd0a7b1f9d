export const value = 7;
export function double(x) { return x * 2; }
