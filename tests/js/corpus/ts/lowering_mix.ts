import type { T } from "./types";
import { used, unused } from "./mod";
import def, * as ns from "./other";
class B { constructor(public a: number) {} }
class C extends B { y = this.x * 2; static s = 1; z!: number; declare w: string;
  constructor(private x: number, readonly q = 3) { console.log('pre'); super(x); console.log(this.y); } }
enum E { A, B = 5, C, D = "x", F = A | B, G = "a".length }
const enum CE { X = 1 << 3, Y = X * 2, S = "s" + X }
console.log(CE.X, CE.Y, CE["S"], used);
namespace N { export const x = 1; export function f() { return x; } const y = 2; export namespace M { export let z = 3; } export let {a, b: [c]} = {a: 1, b: [2]}; }
namespace N { export const w = f() + x; }
function F() {} namespace F { export const v = 1; }
class Acc { accessor n = 1; static accessor s = 2; }
let v = <any>1 as number satisfies number; let nn = v!;
function over(a: string): void; function over(a: any) { return a; }
abstract class Ab { abstract m(): void; n(): number { return 1 } }
export = N;
