import impl from './node-impl.js';
import fs from 'fs';
export { impl, fs };
