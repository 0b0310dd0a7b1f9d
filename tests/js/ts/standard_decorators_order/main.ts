// @names
const log: string[] = [];
function tag(name: string) {
  log.push("eval " + name);
  return function (value: any, context: any) {
    log.push(`apply ${name} ${context.kind} ${String(context.name)} static=${context.static} private=${context.private}`);
    context.addInitializer(function (this: any) { log.push(`init ${name} on ${typeof this}`); });
    if (context.kind === "method" && !context.static) return function (this: any, ...args: any[]) { return "wrapped(" + value.apply(this, args) + ")"; };
    if (context.kind === "class") return class extends value { extra = "yes"; };
  };
}
function getter(value: any, context: any) { log.push("getter " + context.name + " " + typeof context.access.get); }
@tag("c1") @tag("c2")
class Widget {
  @tag("m1") @tag("m2") render() { return "r"; }
  @tag("s") static make() { return new Widget(); }
  @getter get size() { return 3; }
  plain() { return Widget.name; }
}
const w = Widget.make() as any;
console.log(w.render(), w.size, w.extra, w.plain(), Object.getOwnPropertyNames(Widget.prototype).join(","));
console.log(log.join("\n"));
class Base { constructor(public v: number) {} }
class Derived extends Base { @tag("d") get twice() { return this.v * 2; } }
console.log(new Derived(4).twice);
console.log(log.slice(-3).join("\n"));
// class initializers run after the static blocks; an anonymous class gets its binding's name
@tag("late") class Late { static { log.push("static block"); } @tag("sl") static s() {} }
const Anon = @tag("anon") class {};
console.log(log.slice(-8).join("\n"), Anon.name, new Late() instanceof Late);
