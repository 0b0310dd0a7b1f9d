export const x = "qx";
export * from "./deep.mjs";
