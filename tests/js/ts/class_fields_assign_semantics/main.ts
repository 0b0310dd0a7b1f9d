// @options: --no-define-fields
class Parent { set value(v: number) { console.log("setter", v); } }
class Child extends Parent { value = 5; other = 1; static s = "static"; }
class P2 { constructor(public a: number) {} b = this.a + 1; }
const c = new Child();
console.log(Object.keys(c).join(","), Child.s, new P2(1).b, Object.keys(new P2(2)).join(","));
