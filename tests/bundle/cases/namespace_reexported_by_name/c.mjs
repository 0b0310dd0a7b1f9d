// ... and re-exported again, by name, from a module that only passes it on.
export { ns as inner } from './a.mjs';
