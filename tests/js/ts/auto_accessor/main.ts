class Counter { accessor count = 1; static accessor total = 10; accessor "a-b" = 2; accessor [String("c") + "d"] = 3; }
const k = new Counter();
k.count += 5;
Counter.total++;
console.log(k.count, Counter.total, Object.keys(k).length, typeof Object.getOwnPropertyDescriptor(Counter.prototype, "count")!.get);
console.log(k["a-b"], (k as any).cd, Object.getOwnPropertyNames(Counter.prototype).join());
// standard decorators on accessors: kind "accessor", a {get, set} value, the returned {get, set, init} applied;
// extra initializers run after the storage is set (before the next field), or in the constructor
const log: string[] = [];
function watch(tag: string) {
  return function (value: any, ctx: any) {
    log.push(`${tag} ${ctx.kind} ${String(ctx.name)} static=${ctx.static} ${Object.keys(value).join()} ${Object.keys(ctx.access).join()}`);
    ctx.addInitializer(function (this: any) { log.push(`extra ${tag} ${typeof this}`); });
    if (ctx.kind !== "accessor") return;
    return { get(this: any) { return value.get.call(this) * 2; }, set(this: any, v: number) { log.push(`set ${tag} ${v}`); value.set.call(this, v); },
             init(v: number) { log.push(`init ${tag} ${v}`); return v + 1; } };
  };
}
function noted(tag: string) { log.push("field " + tag); return tag; }
class Store {
  first = noted("first");
  @watch("m") method() { return 1; }
  @watch("a") @watch("b") accessor count = 1;
  after = noted("after");
  @watch("s") static accessor shared = 10;
  @watch("u") accessor "un-set": number | undefined;
}
class Derived extends Store { @watch("d") accessor last = 7; constructor() { super(); log.push("body"); } }
const s = new Derived();
s.count = 5;
console.log(s.count, Store.shared, s["un-set"], s.last, Object.keys(s).join(), typeof Object.getOwnPropertyDescriptor(Store.prototype, "count")!.set);
console.log(log.join("\n"));
