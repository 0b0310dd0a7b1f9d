// --define replaces the NODE_ENV lookup; the bundle must not read the environment.
if (process.env.NODE_ENV === 'production') console.log('prod build');
else console.log('dev build');
const env = { mode: process.env.NODE_ENV };
console.log(env.mode);
