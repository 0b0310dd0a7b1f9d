import './four.mjs';
import './shared.mjs';
console.log('two');
