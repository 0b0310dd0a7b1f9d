// zod: its entry is `import * as z from ...; export { z, z as default }`
// (a namespace re-exported by name), and `zod/v4/locales/*` is an
// `exports` subpath pattern.
import { z } from 'zod';
import zz from 'zod';
import * as Z from 'zod';
const User = z.object({ name: z.string().min(2), age: z.number().int().positive(), tags: z.array(z.string()).default([]) });
console.log(JSON.stringify(User.parse({ name: 'Ada', age: 36 })));
const bad = User.safeParse({ name: 'A', age: -1 });
console.log(bad.success, bad.error.issues.map((i) => i.path.join('.') + ':' + i.code).join(' '));
console.log(zz === z, Z.z === z, typeof Z.string, z.enum(['x', 'y']).options.join());
import('zod/v4/locales/de.js').then((m) => console.log('locale', typeof m.default));
