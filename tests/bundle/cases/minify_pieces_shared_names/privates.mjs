// Private names renamed per class by --minify-identifiers: fields, static
// fields, accessor pairs, methods, `#x in o`, a nested class reading the
// outer class's names, a heritage class with a name of the same spelling.
class Q {
  #props; static #count = 0; #hidden = 1;
  constructor(props) { this.#props = props; Q.#count++; }
  get n() { return this.#props.n; }
  get #secret() { return this.#hidden * 10; }
  set #secret(v) { this.#hidden = v; }
  bump() { this.#secret = this.#secret + 1; return this.#secret; }
  static count() { return Q.#count; }
  has(o) { return #props in o; }
  inner() {
    const self = this;
    class R extends (class { #props = 'base'; read() { return this.#props; } }) {
      #own = 5;
      get() { return [self.#props.n, this.#own, this.read()]; }
    }
    return new R().get();
  }
  #m() { return 'm'; }
  callM() { return this.#m(); }
}
export function runPrivates() {
  const q = new Q({ n: 7 });
  return [q.n, q.bump(), Q.count(), q.has(q), q.has({}), JSON.stringify(q.inner()), q.callM()].join(' ');
}
