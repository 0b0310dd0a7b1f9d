import { describe } from './index.mjs';
export const squareArea = (s) => s.side ** 2;
export function label(s) { return s.r ?? s.side; }
export const unusedSquareThing = () => describe;
