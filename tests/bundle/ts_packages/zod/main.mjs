// zod driver (zod 4, 300+ .ts files): schemas of every kind, parsing and
// its issues, transforms, refinements, coercion, defaults and catch,
// recursive schemas, string formats, error formatting, a locale, JSON
// Schema output, async parsing, and zod/mini.  Prints one line per check;
// run against zod's published JavaScript and against a bundle of its
// src/*.ts, whose imports name `.js` files (ts_package.sh).
import * as z from 'zod';
import * as zm from 'zod/mini';

const log = (...a) => console.log(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x, (k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v instanceof Set ? { set: [...v] } : v instanceof Date ? `date:${v.toISOString()}` : v)))).join(' '));
const issues = (r) => (r.success ? ['ok', r.data] : r.error.issues.map((i) => `${i.code}@${i.path.join('.')}: ${i.message}`));
const check = (label, schema, ...inputs) => log(label, inputs.map((x) => issues(schema.safeParse(x))));

check('string', z.string().min(2).max(5).trim().toLowerCase(), ' AbC ', 'a', 'toolong', 3);
check('number', z.number().int().positive().lt(100).multipleOf(5), 15, -5, 2.5, 100, NaN, '5');
check('bigint-boolean-null', z.union([z.bigint().gte(10n), z.boolean(), z.null()]), 12n, 3n, false, null, undefined);
check('literal-enum', z.union([z.literal('a'), z.enum(['b', 'c'])]), 'a', 'c', 'd');
const Color = { Red: 'red', Green: 'green' };
check('native-enum', z.enum(Color), 'red', 'blue');
const User = z.object({
  id: z.uuid(),
  email: z.email(),
  age: z.number().int().min(0).optional(),
  role: z.enum(['admin', 'user']).default('user'),
  tags: z.array(z.string()).max(3).default([]),
  site: z.url().nullable(),
});
check('object', User,
  { id: '0b9d3c68-2c0e-4b6c-9a42-3a6f6e2f4a11', email: 'ada@example.com', site: null },
  { id: 'nope', email: 'bad', age: -1, role: 'root', tags: ['a', 'b', 'c', 'd'], site: 'not a url' },
  { id: '0b9d3c68-2c0e-4b6c-9a42-3a6f6e2f4a11', email: 'x@y.io', site: 'https://zod.dev', extra: 1 });
check('strict-object', z.strictObject({ a: z.string() }), { a: 'x' }, { a: 'x', b: 1 });
check('loose-object', z.looseObject({ a: z.string() }), { a: 'x', b: 1 });
check('object-methods', User.pick({ email: true }).extend({ n: z.number() }).partial({ n: true }), { email: 'a@b.cd' }, {});
check('omit-required', User.omit({ id: true, site: true }).required({ age: true }), { email: 'q@w.er', age: 3 }, { email: 'q@w.er' });
check('tuple', z.tuple([z.string(), z.number()], z.boolean()), ['a', 1, true, false], ['a', 'b']);
check('record', z.record(z.string().regex(/^k/), z.number()), { k1: 1, k2: 2 }, { x: 1 }, { k: 'v' });
check('map-set', z.object({ m: z.map(z.string(), z.number()), s: z.set(z.number()).min(2) }),
  { m: new Map([['a', 1]]), s: new Set([1, 2]) }, { m: new Map([[1, 'a']]), s: new Set([1]) });
const Shape = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('circle'), r: z.number() }),
  z.object({ kind: z.literal('rect'), w: z.number(), h: z.number() }),
]);
check('discriminated-union', Shape, { kind: 'circle', r: 2 }, { kind: 'rect', w: 1 }, { kind: 'tri' });
check('intersection', z.intersection(z.object({ a: z.number() }), z.object({ b: z.string() })), { a: 1, b: 'x' }, { a: 1 });
const Tree = z.object({ value: z.number(), get children() { return z.array(Tree).optional(); } });
check('recursive', Tree, { value: 1, children: [{ value: 2, children: [{ value: 3 }] }] }, { value: 1, children: [{ value: 'x' }] });
check('transform-pipe', z.string().transform((s) => s.length).pipe(z.number().min(3)), 'abcd', 'ab');
check('refine', z.object({ pw: z.string(), again: z.string() }).refine((o) => o.pw === o.again, { message: 'mismatch', path: ['again'] }),
  { pw: 'a', again: 'a' }, { pw: 'a', again: 'b' });
check('superRefine', z.array(z.number()).superRefine((a, ctx) => {
  if (new Set(a).size !== a.length) ctx.addIssue({ code: 'custom', message: 'duplicates', input: a });
}), [1, 2], [1, 1]);
check('coerce', z.object({ n: z.coerce.number(), b: z.coerce.boolean(), s: z.coerce.string(), d: z.coerce.date() }),
  { n: '42', b: 0, s: 7, d: '2024-02-29T12:00:00Z' }, { n: 'x', b: 1, s: null, d: 'never' });
check('default-catch-prefault', z.object({ a: z.number().catch(-1), b: z.string().default('dflt'), c: z.string().prefault('p').transform((s) => s + '!') }),
  { a: 'bad' }, { a: 3, b: 'given', c: 'c' });
check('nullish-readonly', z.string().nullish().readonly(), null, undefined, 'x', 1);
check('string-formats', z.object({ ip: z.ipv4(), ip6: z.ipv6(), d: z.iso.date(), dt: z.iso.datetime(), cuid: z.cuid2(), b64: z.base64(), e164: z.e164() }),
  { ip: '10.0.0.1', ip6: '::1', d: '2024-01-31', dt: '2024-01-31T10:00:00Z', cuid: 'tz4a98xxat96iws9zmbrgj3a', b64: 'aGVsbG8=', e164: '+15555550100' },
  { ip: '300.1.1.1', ip6: 'zz', d: '2024-13-01', dt: 'yesterday', cuid: 'UPPER', b64: '***', e164: '555' });
check('template-literal', z.templateLiteral(['id-', z.number(), '-', z.enum(['a', 'b'])]), 'id-7-a', 'id-x-a');
check('stringbool', z.stringbool(), 'yes', 'off', 'maybe');
check('brand', z.string().brand('Id'), 'x');
check('lazy-union-array', z.lazy(() => z.union([z.number(), z.array(z.number())])), 1, [1, 2], ['a']);
check('file-like-instanceof', z.instanceof(Date), new Date(0), {});

const bad = User.safeParse({ id: 1, email: 'x', tags: [1] });
log('flatten', z.flattenError(bad.error));
log('treeify', z.treeifyError(bad.error));
log('prettify', z.prettifyError(bad.error).split('\n'));
try { z.number().parse('nope'); } catch (e) { log('parse-throws', e instanceof z.ZodError, e.name, e.issues.length); }
log('json-schema', z.toJSONSchema(User.extend({ shape: Shape })));
log('meta', z.toJSONSchema(z.string().describe('a name').meta({ title: 'Name' })));
z.config(z.locales.de());
check('locale-de', z.object({ a: z.string().min(3), b: z.number() }), { a: 'x', b: 'y' });
z.config(z.locales.fr());
check('locale-fr', z.array(z.boolean()).nonempty(), [], ['t']);
z.config(z.locales.en());

const mini = zm.object({ a: zm.string().check(zm.minLength(2)), b: zm.optional(zm.array(zm.number())) });
log('mini', [{ a: 'ab', b: [1] }, { a: 'a' }, { b: 'x' }].map((x) => issues(zm.safeParse(mini, x))));

(async () => {
  const slow = z.string().refine(async (s) => { await null; return s.startsWith('ok'); }, 'must start with ok');
  log('async', issues(await slow.safeParseAsync('ok!')), issues(await slow.safeParseAsync('no')));
  try { slow.parse('ok'); } catch (e) { log('sync-on-async', e instanceof z.core.$ZodAsyncError, e instanceof z.ZodError, String(e.message).slice(0, 60)); }
})();
