import { calls, tag } from "./log";
class Base { constructor() { (this as any).init?.(); } }
@tag("class")
class Point extends Base {
  declare ghost: number;
  z = 3;
  static made = 0;
  constructor(public x: number, private readonly y: number = 2) { super(); Point.made++; }
  @tag("method") sum(): number { return this.x + this.y + this.z; }
  @tag("static") static zero() { return new Point(0); }
}
const p = new Point(1);
console.log(p.sum(), Point.made, Object.keys(p).join(), Point.zero().sum(), Point.made);
console.log(calls.join("; "));
// assign semantics: a setter on the prototype chain runs for a field
class WithSetter { set v(x: number) { calls.push("setter " + x); } }
class Sub extends WithSetter { v = 9; }
new Sub();
console.log(calls[calls.length - 1]);
// a decorated field without an initializer is erased, its decorator still runs
class Dto { @tag("a") a!: string; @tag("b") b?: number; @tag("e") static e: string; }
console.log(calls.slice(-6).join("; "), Object.keys(new Dto()).length);
