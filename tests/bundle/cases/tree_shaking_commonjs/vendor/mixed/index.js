export { unusedCjs } from './unused.cjs';
export { fromCjs } from './used.cjs';
export const esmSide = "esm side";
