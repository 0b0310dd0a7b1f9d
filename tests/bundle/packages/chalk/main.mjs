// chalk: ESM with `imports` (#ansi-styles, #supports-color) that have
// conditions; colour level forced so the output does not depend on the terminal.
import chalk, { Chalk, supportsColor } from 'chalk';
const c = new Chalk({ level: 1 });
console.log(JSON.stringify(c.red.bold('err') + c.green('ok')), JSON.stringify(c.bgBlue.white('x')));
console.log(typeof chalk.blue, typeof supportsColor, new Chalk({ level: 0 }).red('plain'));
