// require() specifiers decode the same way
module.exports = require('./\x65.cjs');
