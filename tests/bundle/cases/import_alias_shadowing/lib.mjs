export function helper(x) { return 'helper got ' + x; }
