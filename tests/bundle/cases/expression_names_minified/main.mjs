// A function or class expression whose own name nothing reads keeps the
// .name its context gives it under --minify (the minified case of this
// test): dart2js output (sass) declares `Key: function Key() {}` and tags
// classes by constructor name.  Names that are read are renamed, as in
// esbuild, and still work.
const A = { Foo: function Foo(x) { this.x = x; }, Bar: class Bar {}, Q: function Q() {}, [`K${1}`]: function K1() {} };
const tag = (c) => { c.prototype['$is' + c.name] = c; return c; };
tag(A.Foo);
const f = new A.Foo(1);
console.log(A.Foo.name, A.Bar.name, A.Q.name, A.K1.name, f.constructor.name, typeof f.$isFoo);
const R = function R(n) { return n ? R(n - 1) : 'done'; };
const C = class C { static make() { return new C(); } };
console.log(R(3), C.make() instanceof C);
