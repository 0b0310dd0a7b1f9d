// With --platform browser, a package's "browser" object swaps its files and
// disables modules mapped to false (they bundle as empty CommonJS modules).
import { impl, fs } from './vendor/lib/index.js';
console.log(impl(), typeof fs);
