export { default, default as named } from './src.mjs';
export { default as again, bump } from './src.mjs';
