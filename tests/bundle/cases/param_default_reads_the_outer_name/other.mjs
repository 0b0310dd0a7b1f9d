// a second module with names of its own, which scope hoisting must keep apart
export const value = 'other module', w = 'other w';
export function logOther() { return value + ' ' + w }
