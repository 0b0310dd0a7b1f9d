export function a() { return 'a'; }
export function b() { return 'LIB_EXPORT_NEVER_READ'; }
export const c = 'c';
