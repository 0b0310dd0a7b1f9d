// @options: --experimental-decorators
function log(tag: string) {
  console.log("eval", tag);
  return function (target: any, key?: string, desc?: PropertyDescriptor): any {
    console.log("apply", tag, typeof target, key ?? "-", desc ? Object.keys(desc).sort().join("|") : "-");
  };
}
function param(tag: string) {
  console.log("eval param", tag);
  return function (target: any, key: string | undefined, index: number) { console.log("param", tag, typeof target, key ?? "-", index); };
}
@log("class1") @log("class2")
class Widget {
  constructor(@param("ctor0") a?: number, @param("ctor1") b?: string) {}
  move(@param("move0") x: number, @param("move1a") @param("move1b") y: number) { return x + y; }
  @log("field") size = 3;
  @log("method1") @log("method2") render() { return "r" + this.size; }
  @log("static") static create() { return new Widget(); }
  @log("getter") get area() { return this.size * this.size; }
}
console.log(Widget.create().render(), new Widget().area);
function sealed(ctor: Function) { Object.seal(ctor); }
@sealed export class S { }
console.log(Object.isSealed(S));
// a class decorator that replaces the class: code inside the class sees the replacement
function Wrap<T extends new (...a: any[]) => {}>(C: T) { return class extends C { wrapped = true; }; }
@Wrap class Node2 { static make() { return new Node2(); } static self = Node2; ref = () => Node2; pair() { return { Node2 }; } }
const n2 = Node2.make() as any;
console.log(n2 instanceof Node2, n2.wrapped, Node2.self === Node2, n2.ref() === Node2, n2.pair().Node2 === Node2);
