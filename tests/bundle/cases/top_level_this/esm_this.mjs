export const seen = [];
seen.push(typeof this, this === undefined);
// TypeScript's helpers read `this` at the top level of a module
var helper = (this && this.helper) || "own";
seen.push(helper);
const arrow = () => this;
seen.push(arrow() === undefined);
function plain() { return this; }
seen.push(typeof plain.call(5));
const obj = { m() { return this; } };
seen.push(obj.m() === obj);
class Base {}
// computed keys and `extends` read the module's `this`; fields, methods and static blocks their own
class C extends (this === undefined ? Base : Array) {
  static [this === undefined ? "k_undefined" : "k_other"] = 1;
  field = this;
  static s;
  static { C.s = this === C; }
}
seen.push(Object.getPrototypeOf(C) === Base, Object.keys(C).join(","), new C().field instanceof C, C.s);
// a statement that begins with `this`, after a line without a semicolon
let parts = [1]
this?.missing
seen.push(parts.length)
{
  parts = [2]
  this?.missing
  if (parts) this?.missing
  seen.push(parts[0])
}
switch (1) {
  case 1:
    parts = [3]
    this?.missing
    seen.push(parts[0])
}
