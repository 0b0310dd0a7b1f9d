export * from "./widget";
