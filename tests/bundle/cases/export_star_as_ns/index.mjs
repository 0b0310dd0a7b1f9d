export * as utils from './utils.mjs';
export * from './plain.mjs';
