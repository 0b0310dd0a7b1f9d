// import.meta in CommonJS output on node: .url, .dirname and .filename come
// from the CommonJS module's own __filename (import.meta is a syntax error
// there); ESM output keeps import.meta.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const url = import.meta.url;
console.log(typeof import.meta, url.startsWith('file:///'), fileURLToPath(url) === import.meta.filename);
console.log(path.dirname(import.meta.filename) === import.meta.dirname, path.isAbsolute(import.meta.dirname));
