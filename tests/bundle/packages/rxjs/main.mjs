// rxjs: `exports` conditions (node, require, es2015, default) and the
// subpath pattern "./internal/*".
import { of, from, range, lastValueFrom, Subject } from 'rxjs';
import { map, filter, scan, take, toArray } from 'rxjs/operators';
import { isFunction } from 'rxjs/internal/util/isFunction';
const out = [];
range(1, 10).pipe(filter((n) => n % 2), map((n) => n * n), scan((a, n) => a + n, 0)).subscribe((v) => out.push(v));
console.log(out.join(), isFunction(map), isFunction(1));
const s = new Subject();
const got = [];
s.pipe(take(2)).subscribe({ next: (v) => got.push(v), complete: () => got.push('done') });
s.next('a'); s.next('b'); s.next('c');
console.log(got.join());
lastValueFrom(from([3, 2, 1]).pipe(toArray())).then((a) => console.log(a.join(), typeof of));
