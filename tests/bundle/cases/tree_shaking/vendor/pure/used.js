export function helper(x) { return x * 10; }
export function used(x) { return helper(x) + 1; }
