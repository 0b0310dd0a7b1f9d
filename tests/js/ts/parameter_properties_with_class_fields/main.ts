class Base { constructor(public id: number) { console.log("base", id); } }
class Derived extends Base {
  label = `item-${this.id}`;
  static count = 0;
  tag!: string;
  declare extra: string;
  constructor(id: number, private readonly scale = 2, protected name?: string) {
    console.log("before super");
    super(id);
    Derived.count++;
    console.log("after super", this.label, this.scale);
  }
  area() { return this.id * this.scale; }
}
class NoCtor extends Base { greeting = "hello " + this.id; }
const d = new Derived(3);
console.log(d.area(), Derived.count, Object.keys(d).join(","), new NoCtor(9).greeting, "tag" in d, "extra" in d);
