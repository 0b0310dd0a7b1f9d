export function quiet() { return 'QUIET_MARKER'; }
