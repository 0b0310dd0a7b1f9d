// semver: CommonJS whose classes require each other (range.js and
// comparator.js form a cycle), imported from ESM.
import semver from 'semver';
import Range from 'semver/classes/range.js';
import Comparator from 'semver/classes/comparator.js';
console.log(semver.satisfies('1.2.3', '^1.0.0'), semver.gt('2.0.0', '1.9.9'), semver.valid('x.y'));
console.log(semver.maxSatisfying(['1.2.3', '1.4.0', '2.0.0'], '~1.4'), semver.inc('1.2.3', 'minor'));
const r = new Range('>=1.2 <2 || 3.x');
console.log(r.range, r.test('3.1.0'), new Comparator('>=1.2.0').test('1.3.0'));
console.log(semver.sort(['1.10.0', '1.2.0', '1.9.1']).join(), semver.coerce('v3.4 beta').version);
