// @options: --no-define-fields --experimental-decorators
class Parent { set value(v: number) { console.log("setter", v); } }
class Child extends Parent { value = 5; other = 1; static s = "static"; }
class P2 { constructor(public a: number) {} b = this.a + 1; }
const c = new Child();
console.log(Object.keys(c).join(","), Child.s, new P2(1).b, Object.keys(new P2(2)).join(","));
// experimentalDecorators: a field without an initializer is erased, its decorators still run (tsc's order)
const seen: string[] = [];
function track(target: any, key: string) { seen.push((typeof target === "function" ? "static " : "") + key + (Object.getOwnPropertyDescriptor(target, key) ? "!" : "")); }
class Dto { @track a!: string; @track b?: number; @track c: number; @track d = 1; @track static e: string; @track static f = 2; constructor() { this.c = 0; } }
console.log(seen.join(","), Object.keys(new Dto()).join(","));
