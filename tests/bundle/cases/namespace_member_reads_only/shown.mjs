export const x = 1;
export function y() { return 'SHOWN_EXPORT_KEPT'; }
