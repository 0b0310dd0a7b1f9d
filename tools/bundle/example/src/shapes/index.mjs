export * from './circle.mjs';
export * from './square.mjs';
export function area(s) { return s.kind === 'circle' ? circleArea(s) : squareArea(s); }
export function describe(s) { return `${s.kind}(${label(s)})`; }
import { circleArea } from './circle.mjs';
import { squareArea, label } from './square.mjs';
