// Type predicates and assertion signatures on every kind of function, and
// type arguments on a class's heritage (`extends B<T>`, `implements I<T>`):
// all types, so all gone; what runs is the same as tsc's output.
interface Box<T> { value: T }
class Base<T> { items: T[] = []; add(x: T): this { this.items.push(x); return this; } }
class Derived<T extends string> extends Base<T> implements Box<T> { value = "v" as T; }
const Anon = class extends Base<number> {};
function isString(x: unknown): x is string { return typeof x === "string"; }
function assertNumber(x: unknown): asserts x is number { if (typeof x !== "number") throw new TypeError("nan"); }
function assertDefined(x: unknown): asserts x { if (x == null) throw new TypeError("null"); }
const isArr = (x: unknown): x is unknown[] => Array.isArray(x);
class Guard { isGuard(): this is Guard { return true; } static is(x: unknown): x is Guard { return x instanceof Guard; } }
const obj = { has(x: unknown): x is object { return typeof x === "object" && x !== null; } };
type Head<T> = T extends [infer H extends string, ...unknown[]] ? H : never;
// `infer X extends C` as a constraint where no `?` follows (tsc reads a
// function type's return type greedily: without the brackets around
// `infer R extends object`, tsc says "'?' expected"), and a conditional
// type as a function type's return type inside an extends clause (zod's Equals)
type Ret<T> = T extends (...args: infer P extends any[]) => (infer R extends object) ? [P, R] : never;
type Equals<T, U> = (<V>() => V extends T ? 1 : 2) extends <V>() => V extends U ? 1 : 2 ? true : false;
type Num<T> = T extends `${infer N extends number}` ? N : never;
type Inner<T> = T extends (infer U extends string ? 1 : 2) ? U : 3;
const r: Ret<(a: number) => { k: 1 }> = [[1], { k: 1 }];
const n: Num<"42"> = 42;
const head: Head<["a", 1]> = "a";
const d = new Derived<"x">().add("x");
assertNumber(3);
assertDefined(head);
let threw = "";
try { assertNumber("3"); } catch (e) { threw = (e as Error).message; }
console.log(isString("s"), isString(1), isArr([]), new Guard().isGuard(), Guard.is(new Guard()), obj.has({}));
console.log(d.items.join(), d.value, new Anon().add(1).items.length, head, threw, r[1].k, n);
