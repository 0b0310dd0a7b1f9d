// rxjs driver: creation functions, ~60 operators, subjects, schedulers
// under TestScheduler's virtual time, errors and their classes, promises
// and teardown order.  Prints one line per check; run against rxjs's
// published JavaScript and against a bundle of its src/*.ts (ts_package.sh).
import * as rx from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

const {
  Observable, Subject, BehaviorSubject, ReplaySubject, AsyncSubject, Subscription, Notification,
  of, from, range, defer, iif, EMPTY, throwError, timer, interval, merge, concat, zip, combineLatest,
  forkJoin, race, partition, generate, pairs, firstValueFrom, lastValueFrom, isObservable,
  EmptyError, ArgumentOutOfRangeError, SequenceError, NotFoundError, TimeoutError, UnsubscriptionError,
  ObjectUnsubscribedError, map, filter, scan, reduce, take, takeWhile, takeUntil, takeLast, skip,
  skipWhile, skipLast, distinct, distinctUntilChanged, distinctUntilKeyChanged, bufferCount, windowCount,
  mergeMap, switchMap, concatMap, exhaustMap, mergeScan, expand, catchError, retry, finalize, share,
  shareReplay, startWith, endWith, pairwise, groupBy, toArray, first, last, single, elementAt, find,
  findIndex, every, isEmpty, defaultIfEmpty, throwIfEmpty, count, max, min, tap, materialize,
  dematerialize, debounceTime, throttleTime, auditTime, sampleTime, delay, timeout, bufferTime,
  withLatestFrom, combineLatestWith, zipWith, mergeWith, concatWith, switchScan, repeat, ignoreElements,
  observeOn, subscribeOn, asyncScheduler, queueScheduler, asapScheduler, connectable, timestamp,
  timeInterval, pluck, mapTo, switchAll, mergeAll, concatAll, exhaustAll, combineLatestAll, zipAll,
  raceWith, onErrorResumeNextWith, sequenceEqual, bufferToggle, bufferWhen, windowTime, audit, sample,
  debounce, throttle, delayWhen, retryWhen, scheduled, animationFrames, noop, identity, pipe, config,
} = rx;

const out = [];
const log = (...a) => out.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
const collect = (obs) => {
  const got = [];
  obs.subscribe({ next: (v) => got.push(v), error: (e) => got.push(`E:${e && e.name}:${e && e.message}`), complete: () => got.push('C') });
  return got;
};
const show = (label, obs) => log(label, collect(obs));

// Creation.
show('of', of(1, 2, 3));
show('from-array', from([4, 5]));
show('from-iterable', from(new Set(['a', 'b'])));
show('range', range(3, 4));
show('generate', generate({ initialState: 1, condition: (x) => x < 50, iterate: (x) => x * 3 }));
show('pairs', pairs({ a: 1, b: 2 }));
show('defer', defer(() => of('deferred')));
show('iif', iif(() => false, of('yes'), of('no')));
show('empty', EMPTY);
show('throwError', throwError(() => new Error('boom')));
show('concat', concat(of(1), of(2, 3), range(4, 2)));
show('merge', merge(of('x'), of('y')));
show('zip', zip(of(1, 2, 3), of('a', 'b')));
show('combineLatest', combineLatest([of(1, 2), of('z')]));
show('combineLatest-dict', combineLatest({ a: of(1), b: of(2, 3) }));
show('forkJoin', forkJoin({ x: of(1, 2), y: range(0, 3) }));
show('forkJoin-empty', forkJoin([of(1), EMPTY]));
show('race', race(of('first'), of('second')));
const [evens, odds] = partition(range(1, 6), (x) => x % 2 === 0);
show('partition', concat(evens, odds));
log('isObservable', isObservable(of(1)), isObservable({}), isObservable(null));

// Transformation and filtering.
const src = range(1, 10);
show('map-filter', src.pipe(filter((x) => x % 3 !== 0), map((x) => x * x)));
show('scan', src.pipe(scan((a, x) => a + x, 0)));
show('reduce', src.pipe(reduce((a, x) => a * x, 1)));
show('take-skip', src.pipe(skip(2), take(3)));
show('takeWhile', src.pipe(takeWhile((x) => x < 4, true)));
show('takeLast', src.pipe(takeLast(2)));
show('skipWhile-skipLast', src.pipe(skipWhile((x) => x < 5), skipLast(3)));
show('distinct', from([1, 2, 1, 3, 2, 4]).pipe(distinct()));
show('distinctUntilChanged', from([1, 1, 2, 2, 1, 3]).pipe(distinctUntilChanged()));
show('distinctUntilKeyChanged', from([{ k: 1 }, { k: 1 }, { k: 2 }]).pipe(distinctUntilKeyChanged('k'), map((o) => o.k)));
show('bufferCount', src.pipe(bufferCount(4, 3)));
show('windowCount', src.pipe(windowCount(3), mergeMap((w) => w.pipe(toArray()))));
show('mergeMap', of(1, 2).pipe(mergeMap((x) => of(x, x * 10))));
show('switchMap', of(1, 2).pipe(switchMap((x) => of(`s${x}`))));
show('concatMap', of(3, 4).pipe(concatMap((x) => range(0, x))));
show('exhaustMap', of(5, 6).pipe(exhaustMap((x) => of(x))));
show('mergeScan', of(1, 2, 3).pipe(mergeScan((acc, x) => of(acc + x), 10)));
show('switchScan', of(1, 2, 3).pipe(switchScan((acc, x) => of(acc * x), 1)));
show('expand', of(1).pipe(expand((x) => (x < 64 ? of(x * 2) : EMPTY))));
show('startWith-endWith', of('m').pipe(startWith('s'), endWith('e')));
show('pairwise', src.pipe(take(4), pairwise()));
show('groupBy', src.pipe(groupBy((x) => x % 3), mergeMap((g) => g.pipe(toArray(), map((a) => [g.key, a])))));
show('first-last', concat(src.pipe(first((x) => x > 4)), src.pipe(last((x) => x < 4))));
show('first-empty', EMPTY.pipe(first()));
show('single', of(7).pipe(single()));
show('single-many', of(7, 8).pipe(single()));
show('elementAt', src.pipe(elementAt(3)));
show('elementAt-out', of(1).pipe(elementAt(5)));
show('find-findIndex', concat(src.pipe(find((x) => x * x > 20)), src.pipe(findIndex((x) => x === 6))));
show('every-isEmpty', concat(src.pipe(every((x) => x > 0)), EMPTY.pipe(isEmpty())));
show('defaultIfEmpty', EMPTY.pipe(defaultIfEmpty('dflt')));
show('throwIfEmpty', EMPTY.pipe(throwIfEmpty(() => new RangeError('nothing'))));
show('count-max-min', concat(src.pipe(count((x) => x & 1)), src.pipe(max()), src.pipe(min((a, b) => b - a))));
show('materialize', of(1).pipe(materialize(), map((n) => n.kind)));
show('dematerialize', of(Notification.createNext(4), Notification.createComplete()).pipe(dematerialize()));
show('pluck-mapTo', concat(of({ a: { b: 'deep' } }).pipe(pluck('a', 'b')), of(1).pipe(mapTo('const'))));
show('withLatestFrom', of(1, 2).pipe(withLatestFrom(of('L'))));
show('combineLatestWith', of(1).pipe(combineLatestWith(of(2, 3))));
show('zipWith-mergeWith-concatWith', of(1).pipe(zipWith(of(2)), mergeWith(of([3])), concatWith(of([4]))));
show('higher-order', of(of(1, 2), of(3)).pipe(mergeAll()));
show('concatAll-switchAll', concat(of(of('a'), of('b')).pipe(concatAll()), of(of('c')).pipe(switchAll())));
show('exhaustAll-zipAll-combineLatestAll', concat(of(of(1)).pipe(exhaustAll()), of(of(1, 2), of(3, 4)).pipe(zipAll()), of(of(5), of(6)).pipe(combineLatestAll())));
show('raceWith', of('r').pipe(raceWith(of('s'))));
show('onErrorResumeNextWith', throwError(() => new Error('x')).pipe(onErrorResumeNextWith(of('resumed'))));
show('sequenceEqual', of(1, 2).pipe(sequenceEqual(of(1, 2))));
show('repeat', of('r').pipe(repeat(3)));
show('ignoreElements', src.pipe(ignoreElements()));
show('pipe-fn', pipe(map((x) => x + 1), filter((x) => x > 2))(of(1, 2, 3)));
log('identity-noop', identity(5), noop());

// Errors, retries, teardown order.
let attempts = 0;
show('retry', defer(() => (++attempts < 3 ? throwError(() => new Error(`try${attempts}`)) : of(`ok after ${attempts}`))).pipe(retry(5)));
show('catchError', throwError(() => new TypeError('bad')).pipe(catchError((e, caught) => of(`caught ${e.name}`))));
const order = [];
const teardown = new Observable((sub) => {
  order.push('subscribe');
  sub.next(1);
  return () => order.push('teardown');
}).pipe(finalize(() => order.push('finalize')), tap({ next: (v) => order.push(`tap ${v}`), unsubscribe: () => order.push('tap-unsub') }));
teardown.subscribe().unsubscribe();
log('teardown-order', order);
const parent = new Subscription(() => log('parent teardown'));
const child = new Subscription(() => log('child teardown'));
parent.add(child);
parent.add(() => { throw new Error('teardown failed'); });
try { parent.unsubscribe(); } catch (e) { log('unsubscription-error', e instanceof UnsubscriptionError, e.name, e.errors.map((x) => x.message)); }
log('closed', parent.closed, child.closed);
for (const E of [EmptyError, ArgumentOutOfRangeError, SequenceError, NotFoundError, ObjectUnsubscribedError]) {
  const e = new E();
  log('error-class', e.name, e.message, e instanceof Error, e instanceof E);
}

// Subjects.
const s = new Subject();
const sGot = [];
s.subscribe((v) => sGot.push(`a${v}`));
s.next(1);
s.subscribe((v) => sGot.push(`b${v}`));
s.next(2);
s.complete();
s.next(3);
log('subject', sGot, s.observed);
const bs = new BehaviorSubject('init');
const bsGot = collect(bs);
bs.next('next');
log('behavior', bsGot, bs.getValue());
const rs = new ReplaySubject(2);
rs.next(1); rs.next(2); rs.next(3);
log('replay', collect(rs));
const as = new AsyncSubject();
const asGot = collect(as);
as.next('x'); as.next('y'); as.complete();
log('async-subject', asGot);
const closed = new Subject();
closed.unsubscribe();
try { closed.next(1); } catch (e) { log('closed-subject', e.name, e.message); }
const shared = range(1, 3).pipe(tap((x) => log('side', x)), shareReplay(1));
log('shareReplay', collect(shared), collect(shared));
const conn = connectable(of('c1', 'c2'), { connector: () => new ReplaySubject() });
const connGot = collect(conn);
conn.connect();
log('connectable', connGot, collect(conn));

// Virtual time.
const frames = (msgs) => msgs.map(({ frame, notification: n }) =>
  `${frame}${n.kind}${n.kind === 'N' ? JSON.stringify(n.value) : n.kind === 'E' ? `(${n.error && n.error.name}: ${n.error && n.error.message})` : ''}`).join(' ');
const ts = new TestScheduler((a, b) => log('marbles', frames(a), JSON.stringify(a) === JSON.stringify(b) ? 'as drawn' : `drawn otherwise: ${frames(b)}`));
ts.run(({ cold, hot, expectObservable, time }) => {
  const t = time('---|');
  expectObservable(cold('a-b-c|').pipe(delay(t))).toBe('---a-b-(c|)');
  expectObservable(cold('ab--c---d|').pipe(debounceTime(2))).toBe('---b--c--(d|)');
  expectObservable(cold('abc---d|').pipe(throttleTime(3))).toBe('a-----d|');
  expectObservable(cold('a-b-c-d|').pipe(auditTime(2))).toBe('--b---d|');
  expectObservable(cold('a-b-c-d-|').pipe(sampleTime(3))).toBe('---b--d-|');
  expectObservable(cold('--a|').pipe(timeout(1))).toBe('-#', null, new TimeoutError());
  expectObservable(cold('abcdef|').pipe(bufferTime(2))).toBe('--x-y-(z|)', { x: ['a', 'b'], y: ['c', 'd', 'e'], z: ['f'] });
  expectObservable(hot('-a-^b-c-|').pipe(map((x) => x.toUpperCase()))).toBe('-B-C-|');
  expectObservable(timer(3, 2).pipe(take(3))).toBe('---a-b-(c|)', { a: 0, b: 1, c: 2 });
  expectObservable(interval(2).pipe(take(2), timestamp(), map((x) => x.timestamp))).toBe('--a-(b|)', { a: 2, b: 4 });
  expectObservable(interval(3).pipe(take(2), timeInterval(), map((x) => x.interval))).toBe('---a--(b|)', { a: 3, b: 3 });
  expectObservable(cold('a-b|').pipe(delayWhen(() => timer(2)))).toBe('--a-(b|)');
  expectObservable(cold('a-b-c|').pipe(audit(() => timer(1)))).toBe('-a-b-(c|)');
  expectObservable(cold('a-b-c-|').pipe(sample(cold('--x--x|')))).toBe('--b--c|');
  expectObservable(cold('ab-c|').pipe(debounce(() => timer(1)))).toBe('--b-(c|)');
  expectObservable(cold('abcd|').pipe(throttle(() => timer(2)))).toBe('a--d|');
  expectObservable(cold('abcdef|').pipe(windowTime(3), mergeMap((w) => w.pipe(toArray())))).toBe('---x--(y|)', { x: ['a', 'b', 'c'], y: ['d', 'e', 'f'] });
  expectObservable(cold('a-b-c-|').pipe(bufferWhen(() => timer(2)))).toBe('--x-y-(z|)', { x: ['a'], y: ['b', 'c'], z: [] });
  expectObservable(cold('a|').pipe(subscribeOn(ts, 2), observeOn(ts, 1))).toBe('---a|');
  expectObservable(cold('-#').pipe(retryWhen((errs) => errs.pipe(take(2))))).toBe('--|');
  expectObservable(cold('a-b-c|').pipe(repeat({ count: 2, delay: 1 }))).toBe('a-b-c-a-b-c|');
});

// Schedulers and promises (real, but ordered by the event loop, not by time).
const order2 = [];
scheduled([1, 2], asapScheduler).subscribe((v) => order2.push(`asap${v}`));
scheduled([1], queueScheduler).subscribe((v) => order2.push(`queue${v}`));
asyncScheduler.schedule(() => order2.push('async'));
order2.push('sync');
config.onUnhandledError = (e) => order2.push(`unhandled ${e.message}`);
throwError(() => new Error('nobody listens')).subscribe();
(async () => {
  const results = await Promise.all([
    firstValueFrom(of(9, 8)),
    lastValueFrom(range(0, 5)),
    lastValueFrom(EMPTY, { defaultValue: 'dv' }),
    firstValueFrom(EMPTY).catch((e) => `rejected ${e.name}`),
    lastValueFrom(of(1).pipe(delay(1))),
  ]);
  await new Promise((r) => setTimeout(r, 5));
  log('promises', results);
  log('scheduler-order', order2);
  console.log(out.join('\n'));
})();
