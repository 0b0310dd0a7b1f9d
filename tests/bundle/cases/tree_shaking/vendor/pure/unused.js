export function unused() { return "UNUSED_MARKER"; }
