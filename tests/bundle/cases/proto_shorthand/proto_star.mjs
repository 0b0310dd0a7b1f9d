export * from "./proto_cjs.cjs";
export const own = 1;
