import './shared.mjs';
console.log('one');
