export * from './lib.cjs';
export * from './esm.mjs';
