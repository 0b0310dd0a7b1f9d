// A namespace import re-exported by name, as a default too, and used here.
import * as ns from './b.mjs';
export { ns };
export { ns as default };
export const uses = ns.x + 1;
