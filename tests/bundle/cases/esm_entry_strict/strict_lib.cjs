'use strict';
// a strict CommonJS module: the whole output may say "use strict"
exports.thisInCall = (function () { return this === undefined; })();
