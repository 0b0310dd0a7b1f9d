// 2023 decorators on classes without a name of their own: .name is what the
// language gives (adv21 F6: the lowering's binding `_class` leaked into it),
// in the decorator's context too; a static `name` field wins.  Also
// minified, which renames the bindings.
import K from './def.js';
const d = (v: any, c: any) => { console.log('ctx', JSON.stringify(c.name)); };
const A = [@d class {}][0];
const B = (0, @d class {});
const C = @d class {};
const D = @d class Named {};
const F = @d class { static name = 'field'; };
console.log(JSON.stringify([A.name, B.name, C.name, D.name, K.name, F.name]));
