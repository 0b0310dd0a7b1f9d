// A "__proto__" key of a JSON module is an own property, as JSON.parse
// makes it, not the object's prototype (escaped too), at every depth and
// through require() as through import.
import j from './data.json' with { type: 'json' };
import r from './r.cjs';
for (const d of [j, r])
  console.log(d.x.isAdmin, Object.keys(d.x).join(), Object.keys(d).join(), d.polluted, Object.keys(d.list[0]).join(),
              Object.getPrototypeOf(d.list[0]) === Object.prototype, d.s);
