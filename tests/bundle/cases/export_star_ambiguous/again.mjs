export { y } from "./p.mjs";
