// require() and import() that cannot be resolved are kept for run time
// where their failure is caught: a try around them in their function
// (for import(), awaited there), or a .catch() / .then(f, g) on the promise.
import optional from './optional.cjs';
console.log(optional.dep, optional.later());
async function load() {
  try {
    await import('./not-there.mjs');
  } catch (e) {
    console.log('awaited import:', e.code);
  }
}
load()
  .then(() => import('./not-there-either.mjs').then((m) => console.log('loaded', m)).catch((e) => console.log('catch:', e.code)))
  .then(() => import('./nor-this.mjs').then(() => console.log('loaded'), (e) => console.log('then handler:', e.code)));
