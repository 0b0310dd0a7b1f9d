const value = 'a';
export function get() { const o = { value }; return o.value; }
