const value = 'b';
export function get(x = value) { { const value = 'inner'; } return x; }
