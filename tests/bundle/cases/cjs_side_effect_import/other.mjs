import './twice.cjs';
import req from './requirer.cjs';
console.log('other.mjs', req);
