import { late } from './y.mjs';
export function peek() {
  try { return late; } catch (e) { return e.constructor.name; }
}
