// bundle_tsx_gen.mjs N DIR: writes a TypeScript + React app of N generated components
// (N >= 50) into DIR, entry DIR/main.tsx, which renders the whole tree
// with react-dom/server and prints the HTML.  One idea: the components
// are made from eight shapes (i % 8), so every N >= 8 covers all of them
// — hooks (useState, useReducer, useMemo, useRef, useId, useContext),
// context providers and consumers, fragments (short and keyed), keys
// before and after a props spread, conditional rendering, lists, generic
// components and arrows (`<T,>`), enums (plain, string, const, merged),
// interfaces, namespaces with values, parameter properties, `as`,
// `satisfies`, `!`, type-only imports, entities and JSX whitespace — and
// component i renders components 2i+1 and 2i+2, so one render reaches all.
// Every component imports all shared names, used or not: unused imports
// and type-only ones must be dropped as TypeScript drops them (the
// interface `Theme` would not link).  Output is deterministic; tsx_app.sh renders it from two bundlers' output
// and requires the same HTML.  bench/ uses the same shapes at 10,000.
import fs from 'node:fs';
import path from 'node:path';

const n = Number(process.argv[2]);
const dir = process.argv[3];
if (!(n >= 8) || !dir) {
  console.error('usage: bundle_tsx_gen.mjs N DIR  (N >= 8)');
  process.exit(2);
}
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(path.join(dir, 'c'), { recursive: true });
fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
const put = (name, text) => fs.writeFileSync(path.join(dir, name), text.replace(/^\n/, ''));

put('lib/types.ts', `
// Shared types and values: enums of every kind, interfaces, a namespace.
export enum Size { Small = 1, Medium, Large = Medium * 2 }
export enum Size { Huge = 10 }
export enum Tone { Calm = 'calm', Loud = 'loud' }
export const enum Flag { None = 0, Bold = 1 << 0, Italic = 1 << 1, Both = Bold | Italic }
export interface Item { id: number; label: string; tags?: readonly string[] }
export interface WithChildren { children?: React.ReactNode }
export type Pair<A, B = A> = [A, B];
export type Action = { type: Kind.Add; by: number } | { type: Kind.Reset } | { type: Kind.Label; text: string };
export enum Kind { Add, Reset, Label }
export namespace Units {
  export const px = (v: number): string => v + 'px';
  export namespace Deep { export const scale = 3; }
}
export namespace Units { export const em = (v: number) => \`\${v / 16}em\`; }
export function flags(f: Flag): string {
  return [f & Flag.Bold ? 'b' : '', f & Flag.Italic ? 'i' : ''].join('') || '-';
}
`);

put('lib/util.ts', `
// Helpers imported as './util.js', resolved to util.ts as tsc does.
import type { Item, Pair } from './types';
export abstract class Shape {
  abstract area(): number;
  describe(this: Shape): string { return \`\${this.constructor === Shape ? '?' : 'shape'}:\${this.area().toFixed(1)}\`; }
}
export class Rect extends Shape {
  declare readonly kind: 'rect';
  count!: number;
  constructor(private readonly w: number, public h: number = 2) { super(); this.count = w + h; }
  area(): number { return this.w * this.h; }
}
export function pick(items: Item[], n: number): Item[];
export function pick(items: Item[], n: string): Item[];
export function pick(items: Item[], n: number | string): Item[] {
  const k = typeof n === 'string' ? n.length : n;
  return items.slice(0, k);
}
export const swap = <A, B>([a, b]: Pair<A, B>): Pair<B, A> => [b, a];
export const items = (seed: number, count = 4): Item[] =>
  Array.from({ length: count }, (_, j) => ({ id: seed * 10 + j, label: \`item-\${seed}-\${j}\`, tags: j % 2 ? ['odd'] : undefined }));
`);

put('lib/theme.tsx', `
// Context: a theme and a counter, with providers and a consumer.
import * as React from 'react';
import { Tone } from './types';
export interface Theme { tone: Tone; depth: number }
export const ThemeContext = React.createContext<Theme>({ tone: Tone.Calm, depth: 0 });
export const Ui = {
  Box: ({ children, ...rest }: { children?: React.ReactNode } & React.HTMLAttributes<HTMLDivElement>) => <div className="box" {...rest}>{children}</div>,
  Tag: (p: { text: string }) => <em>{p.text}</em>,
};
export function Deeper({ children }: { children: React.ReactNode }) {
  const t = React.useContext(ThemeContext);
  return <ThemeContext.Provider value={{ ...t, depth: t.depth + 1 }}>{children}</ThemeContext.Provider>;
}
`);

put('lib/generic.tsx', `
// Generic components, as a function and as an arrow (the \`<T,>\` form).
import * as React from 'react';
export interface ListProps<T> { items: readonly T[]; render: (item: T, i: number) => React.ReactNode; keyOf: (item: T) => string | number }
export function List<T>({ items, render, keyOf }: ListProps<T>) {
  if (items.length === 0) return <p className="empty">nothing</p>;
  return <ul>{items.map((it, i) => <li key={keyOf(it)}>{render(it, i)}</li>)}</ul>;
}
export const Select = <T extends string | number,>(p: { options: T[]; value: T; onPick?: (v: T) => void }) => (
  <select value={String(p.value)} onChange={() => p.onPick?.(p.value)}>
    {p.options.map((o) => <option key={o} value={o}>{o}</option>)}
  </select>
);
`);

// Eight component shapes; component i has shape i % 8 and renders its
// children 2i+1 and 2i+2 where they exist.
const shapes = [
  // 0: useState, conditional rendering (&&, ?:, null), short fragments.
  (i) => `
export default function C${i}({ n = ${i}, children }: { n?: number } & WithChildren) {
  const [count] = React.useState(() => n * 2);
  const [open] = React.useState<boolean>(n % 3 === 0);
  return (
    <>
      <h3 title={\`c\${n}\`}>Counter {count}</h3>
      {open && <span>open</span>}
      {open ? <b>yes</b> : <i>no</i>}
      {count > 1000 ? null : <small>{count.toString(16)}</small>}
      {children}
    </>
  );
}`,
  // 1: lists with keys through the generic List, pick() overloads.
  (i) => `
export default function C${i}({ children }: WithChildren) {
  const data: Item[] = pick(items(${i}), ${i % 5 + 1});
  return (
    <section data-i={${i}}>
      <List<Item> items={data} keyOf={(it) => it.id} render={(it, j) => <span>{j}:{it.label}{it.tags?.length ?? 0}</span>} />
      <List items={[] as string[]} keyOf={(s) => s} render={(s) => s} />
      {children}
    </section>
  );
}`,
  // 2: useReducer over a discriminated union keyed by an enum.
  (i) => `
function reduce(s: { total: number; label: string }, a: Action): typeof s {
  switch (a.type) {
    case Kind.Add: return { ...s, total: s.total + a.by };
    case Kind.Reset: return { ...s, total: 0 };
    case Kind.Label: return { ...s, label: a.text };
  }
}
const start = { total: ${i}, label: 'r${i}' } satisfies { total: number; label: string };
export default function C${i}({ children }: WithChildren) {
  const [s] = React.useReducer(reduce, start, (x) => [{ type: Kind.Add, by: 5 } as Action, { type: Kind.Label, text: 'L${i}' } as Action].reduce(reduce, x));
  return <div className={\`r \${Size[Size.Large]}\`}>{s.label}={s.total} {Size.Huge} {Kind[Kind.Reset]}{children}</div>;
}`,
  // 3: context: consumer render prop, useContext, a nested provider, member tags.
  (i) => `
export default function C${i}({ children }: WithChildren) {
  const theme = React.useContext(ThemeContext);
  return (
    <Deeper>
      <ThemeContext.Consumer>{(t) => <p data-tone={t.tone}>depth {t.depth} (outer {theme.depth})</p>}</ThemeContext.Consumer>
      <Ui.Box id="b${i}" aria-label="box ${i}"><Ui.Tag text={theme.tone === Tone.Loud ? 'LOUD' : 'calm'} /></Ui.Box>
      {children}
    </Deeper>
  );
}`,
  // 4: props spreading, key before and after a spread, defaults, `as`, `!`.
  (i) => `
interface CardProps extends React.HTMLAttributes<HTMLElement> { heading: string; size?: Size; extra?: Record<string, string> }
function Card({ heading, size = Size.Medium, extra, ...rest }: CardProps) {
  return <article {...rest} {...extra} data-size={size}><h4>{heading}</h4></article>;
}
export default function C${i}({ children }: WithChildren) {
  const base = { className: 'card', title: 't${i}' } as const;
  const list = items(${i}, 3);
  const first = list.find((x) => x.id % 10 === 0)!;
  return (
    <div>
      {list.map((it) => <Card key={it.id} {...base} heading={it.label} />)}
      {list.map((it) => <Card {...base} key={'k' + it.id} heading={it.label.toUpperCase()} size={Size.Small} />)}
      <Card heading={first.label} extra={{ 'data-x': 'y' }} {...{ id: 'c${i}' }} />
      {children}
    </div>
  );
}`,
  // 5: useMemo, useRef, useId, a class component, parameter properties.
  (i) => `
class Counter extends React.Component<{ start: number }, { v: number }> {
  state = { v: this.props.start * 3 };
  static label = 'counter';
  render() { return <output>{Counter.label}:{this.state.v}</output>; }
}
export default function C${i}({ children }: WithChildren) {
  const rect = React.useMemo(() => new Rect(${i % 7 + 1}), []);
  const ref = React.useRef<HTMLInputElement>(null);
  const id = React.useId();
  return (
    <form>
      <label htmlFor={id}>{rect.describe()} {rect.h} {rect.count}</label>
      <input id={id} ref={ref} defaultValue={String(swap<number, string>([${i}, 'x'])[0])} readOnly />
      <Counter start={${i}} />
      {children}
    </form>
  );
}`,
  // 6: entities, whitespace rules, keyed fragments, string attributes.
  (i) => `
export default function C${i}({ children }: WithChildren) {
  const rows: [string, number][] = [['a', 1], ['b', 2]];
  return (
    <dl title="quotes &quot;q&quot; &amp; more" data-raw='single &apos;${i}&apos;'>
      {rows.map(([k, v]) => (
        <React.Fragment key={k}>
          <dt>{k}</dt>
          <dd>{v * ${i}}</dd>
        </React.Fragment>
      ))}
      <dd>
        Fish &amp; chips &copy; &#169; &#x263A; &nbsp;&lt;tag&gt;
        on   two
        lines   {'kept  spaces'}{' '}
        &hellip;end
      </dd>
      <dd>  lead and trail  </dd>
      {children}
    </dl>
  );
}`,
  // 7: namespaces, const enums, render props, optional chaining, SVG.
  (i) => `
const Render = ({ fn }: { fn: (x: number) => React.ReactElement }) => fn(${i});
export default function C${i}({ children }: WithChildren) {
  const f: Flag = ${i} % 4;
  const maybe: { deep?: { v?: number } } | undefined = ${i} % 2 ? { deep: { v: ${i} } } : undefined;
  return (
    <div style={{ width: Units.px(${i}), fontSize: Units.em(${i} * Units.Deep.scale) }}>
      <Render fn={(x) => <code>{x}/{flags(f)}/{Flag.Both}/{maybe?.deep?.v ?? 'none'}</code>} />
      <svg viewBox="0 0 10 10" aria-hidden><use xlinkHref="#s${i}" /><circle cx={5} cy={5} r={${i} % 5} strokeWidth={1} /></svg>
      {children}
    </div>
  );
}`,
];

for (let i = 0; i < n; i++) {
  const kids = [2 * i + 1, 2 * i + 2].filter((k) => k < n);
  const head = [
    `// Component ${i} (shape ${i % 8}), generated by bench/bundle_tsx_gen.mjs.`,
    `import * as React from 'react';`,
    `import { Size, Tone, Flag, Kind, Units, flags, type Item, type Action, type WithChildren } from '../lib/types';`,
    `import { Rect, pick, swap, items } from '../lib/util.js';`,
    `import { ThemeContext, Ui, Deeper, Theme } from '../lib/theme';`,
    `import { List, Select } from '../lib/generic';`,
    ...kids.map((k) => `import C${k} from './C${k}';`),
  ];
  let body = `
enum Mode { Off, On = ${i % 5 + 1}, Auto = On * 2 }
interface Meta { id: number; mode: Mode; note?: string }
const meta: Meta = { id: ${i}, mode: ${i % 2 ? 'Mode.On' : 'Mode.Auto'} };
` + shapes[i % 8](i);
  const inner = `<s data-meta={\`\${meta.id}:\${Mode[meta.mode]}\${meta.note ?? ''}\`} />` + kids.map((k) => `<C${k} />`).join('');
  body = body.replace(/\{children\}/, `{children}${inner}`);
  put(`c/C${i}.tsx`, head.join('\n') + '\n' + body + '\n');
}

put('main.tsx', `
// Renders the generated app (${n} components) with react-dom/server.
import * as React from 'react';
import { renderToString, renderToStaticMarkup } from 'react-dom/server';
import { ThemeContext } from './lib/theme';
import { Tone, Size, Units } from './lib/types';
import { Select } from './lib/generic';
import C0 from './c/C0';
function App({ tone }: { tone: Tone }) {
  return (
    <ThemeContext.Provider value={{ tone, depth: 0 }}>
      <main><Select options={[Size.Small, Size.Large]} value={Size.Large} /><C0 /></main>
    </ThemeContext.Provider>
  );
}
const html = renderToString(<App tone={Tone.Calm} />);
const loud = renderToStaticMarkup(<App tone={Tone.Loud} />);
console.log(html.replace(/></g, '>\\n<'));
console.log('--- static, loud');
console.log(loud.replace(/></g, '>\\n<'));
console.log('--- sizes', html.length, loud.length, Units.px(1), Size[Size.Huge]);
`);
