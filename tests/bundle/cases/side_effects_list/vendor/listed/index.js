import './effects/log.js';
import './x.polyfill.js';
export { used } from './used.js';
export { quiet } from './quiet.js';
