console.log("types loaded (only when not elided)");
export interface OnlyType { n: number }
