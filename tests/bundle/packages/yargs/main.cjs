// yargs 18: ESM only; its `export { Yargs as 'module.exports' }` is what
// require() returns (node 20.19+, 22.12+), a CommonJS user calls it.
const yargs = require('yargs/yargs');
const argv = yargs(['--a', '1', '-b', 'x', 'cmd', '--no-c', '--arr', '1', '--arr', '2'])
  .option('a', { type: 'number' }).array('arr').parse();
console.log(JSON.stringify({ a: argv.a, b: argv.b, c: argv.c, _: argv._, arr: argv.arr }));
import('yargs').then((m) => {
  const out = m.default(['run', '--x=3']).scriptName('s').command('run', 'runs', () => {}, (a) => console.log('run', a.x)).parse();
  console.log(out._.join(), typeof m.default);
});
