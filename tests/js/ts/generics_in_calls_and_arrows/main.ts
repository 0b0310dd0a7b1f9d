function make<T>(v: T) { return [v]; }
const a = 1, b = 2, c = 3;
const cmp = a < b, cmp2 = (b > c);
const r1 = make<number>(1), r2 = make<Array<string>>(["x"]);
const f = (x: number, y?: number): number => x + (y ?? 0);
const g = async (x: number) => x * 2;
const h = <T,>(x: T) => x;
function tpl<T>(s: TemplateStringsArray, ...v: T[]) { return s.join("|") + v.join(","); }
const t = tpl<number>`a${1}b${2}c`;
class Q<T> { items: T[] = []; add<U extends T>(x: U): this { this.items.push(x); return this; } }
const q = new Q<number>().add<number>(5);
console.log(cmp, cmp2, r1, r2, f(1), f(1, 2), h("h"), t, q.items, (a as any) < (b as any));
g(4).then(console.log);
