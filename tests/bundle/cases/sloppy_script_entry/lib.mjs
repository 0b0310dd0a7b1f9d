export function strictThis() { return this; }
