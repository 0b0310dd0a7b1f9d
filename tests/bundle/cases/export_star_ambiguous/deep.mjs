export const w = "dw";
export const x = "dx";
