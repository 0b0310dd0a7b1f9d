namespace Geo {
  export const PI2 = Math.PI * 2;
  export function circle(r: number) { return PI2 * r; }
  const hidden = 42;
  export let counter = 0;
  export function bump() { counter++; return counter + hidden; }
  export namespace Inner { export const deep = "deep"; export function twice() { return deep + deep; } }
  export const { a, b: [c] } = { a: 1, b: [2] };
  export class Point { constructor(public x: number, public y: number) {} len() { return Math.hypot(this.x, this.y); } }
  export enum Unit { Px, Em }
}
namespace A.B.C { export const abc = "abc"; }
console.log(Geo.circle(1).toFixed(3), Geo.bump(), Geo.bump(), Geo.counter, Geo.Inner.twice(), Geo.a, Geo.c);
console.log(new Geo.Point(3, 4).len(), Geo.Unit.Em, A.B.C.abc, typeof Geo.hidden);
// `export import K = A.B` inside a namespace: its uses there read the namespace's member
namespace Lib { export class K { v = 7; } }
namespace App { export import K = Lib.K; export const n = new K().v; export function make() { return new K(); } }
console.log(App.n, App.make() instanceof Lib.K, App.K === Lib.K);
