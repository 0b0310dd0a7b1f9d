export const x = 1;
export function f() { return 'f'; }
export let counter = 0;
export function bump() { counter++; }
