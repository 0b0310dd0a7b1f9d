// --define replaces the NODE_ENV lookup; the bundle must not read the environment.
globalThis.DEBUG = false;
if (process.env.NODE_ENV === 'production') console.log('prod build');
else console.log('dev build');
const env = { mode: process.env.NODE_ENV, DEBUG };
console.log(env.mode, env.DEBUG, (() => { const DEBUG = 'local'; return { DEBUG }; })().DEBUG);
