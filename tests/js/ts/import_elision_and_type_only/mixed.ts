console.log("mixed loaded");
export interface AlsoType { n: number }
export const kept = "kept";
