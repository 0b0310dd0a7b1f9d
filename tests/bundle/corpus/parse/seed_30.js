// Same top-level names in several modules; shadowing locals untouched.
import { get as getA } from './a.mjs';
import { get as getB } from './b.mjs';
const value = 'main';
function get() { return value; }
const obj = { value, get };
console.log(getA(), getB(), get(), obj.value, obj.get());
