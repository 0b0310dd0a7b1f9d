// --define replaces the NODE_ENV lookup; the bundle must not read the environment.
globalThis.DEBUG = false;
if (process.env.NODE_ENV === 'production') console.log('prod build');
else console.log('dev build');
const env = { mode: process.env.NODE_ENV, DEBUG };
console.log(env.mode, env.DEBUG, (() => { const DEBUG = 'local'; return { DEBUG }; })().DEBUG);
// literal values stay one operand: 2-(-1), (1).toFixed, ({...}).a
globalThis.NEG = -1; globalThis.ONE = 1; globalThis.CFG = { a: [2] };
console.log(2-NEG, typeof NEG, NEG.toFixed(1), ONE.toFixed(1), CFG.a[0], typeof CFG);
