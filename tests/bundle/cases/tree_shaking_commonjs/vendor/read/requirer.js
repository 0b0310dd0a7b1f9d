exports.needsDep = require('./required.js').value;
