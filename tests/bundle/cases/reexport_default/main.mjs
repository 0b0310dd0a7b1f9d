// Re-exporting default under several names keeps one binding, live.
import def, { named, again, bump } from './re.mjs';
console.log(def, named, again);
bump();
console.log(def, named, again);
