// @options: --experimental-decorators
// A legacy decorator on an auto-accessor decorates its getter/setter pair,
// as tsc does (adv21 F5: it was left in the class, which did not parse).
const seen: string[] = [];
function dec(target: any, key: string, desc?: PropertyDescriptor) {
  seen.push(`${typeof target === "function" ? "static" : "proto"} ${key} ${desc ? typeof desc.get : "none"}`);
}
function twice(_t: any, _k: string, desc: PropertyDescriptor) {
  const get = desc.get!;
  return { ...desc, get() { return get.call(this) * 2; } };
}
class A {
  @dec accessor q = 1;
  @twice accessor r = 21;
  @dec static accessor s = "s";
}
const a = new A();
a.q = 5;
console.log(seen.join(", "), a.q, a.r, A.s);
