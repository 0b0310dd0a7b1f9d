// a dead branch that declares a var visible outside stays (declarations must exist)
if (DEBUG) { var keep = require('./dev_hoisted.cjs'); }
module.exports = typeof keep;
