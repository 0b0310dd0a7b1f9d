var dep = require('./dep.js');
exports.unusedThing = "FREE_CJS_MARKER" + dep.x;
