export let zed = 1;
export const alpha = 'a';
export function inc() { zed++; }
