class Counter { accessor count = 1; static accessor total = 10; }
const k = new Counter();
k.count += 5;
Counter.total++;
console.log(k.count, Counter.total, Object.keys(k).length, typeof Object.getOwnPropertyDescriptor(Counter.prototype, "count")!.get);
