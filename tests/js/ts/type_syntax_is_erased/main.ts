interface Shape { area(): number; readonly name?: string }
type Pair<T, U = T> = [first: T, second?: U];
type Fn = <T extends object>(x: T, ...rest: unknown[]) => asserts x is T & { ok: true };
type Mapped<T> = { readonly [K in keyof T as `get${Capitalize<string & K>}`]-?: () => T[K] };
type Cond<T> = T extends (infer U)[] ? U : T extends Promise<infer V extends string> ? V : never;
declare const ambient: number;
declare function amb(x: number): void;
declare module "virtual" { export const v: number; }
declare global { interface Window { custom: string } }
abstract class Animal { abstract sound(): string; speak(this: Animal, times = 1): string { return this.sound().repeat(times); } }
class Dog extends Animal implements Shape { sound() { return "woof"; } area(): number { return 0; } }
function identity<T>(x: T): T { return x; }
const arrow = <T,>(x: T): T[] => [x];
const gen = async <T>(x: T): Promise<T> => x;
let value = identity<string>("v") as unknown as string;
let sat = { a: 1 } satisfies Record<string, number>;
let maybe: string | undefined = "m";
let definite!: number;
definite = 4;
function overloaded(x: string): string;
function overloaded(x: number): number;
function overloaded(x: any): any { return x; }
const tuple: Pair<number> = [1];
const cast = <number>(<unknown>"7" as any) * 1;
const less = 1 < 2, gt = (3 as number) > 2;
console.log(new Dog().speak(2), value, sat.a, maybe!.length, definite, overloaded(5), tuple.length, arrow(1), cast, less, gt);
gen<number>(3).then((v) => console.log("async", v));
let x: Array<Array<number>>= [[1]];
const fnType: (a: number) => void = (a) => console.log("fn", a);
fnType(x[0][0]);
console.log(typeof ambient === "undefined" ? "no ambient" : "ambient");
