export * from './counter.mjs';
export { count as renamed } from './counter.mjs';
