export const fromLib = 'lib';
export function strictThis() { return this; }
