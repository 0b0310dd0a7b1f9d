// require() of an ES module: node 20 adds `__esModule: true` when it has a
// default export, which the interop helpers Babel and tsc emit rely on.
function _interopRequireDefault(obj) { return obj && obj.__esModule ? obj : { default: obj }; }
const e = require("./e.mjs"), n = require("./n.mjs"), own = require("./own.mjs");
console.log(e.default, e.x, e.__esModule, Object.keys(e).join(), JSON.stringify(e));
console.log(_interopRequireDefault(require("./e.mjs")).default, e === require("./e.mjs"));
console.log(n.__esModule, Object.keys(n).join(), own.__esModule, Object.keys(own).join());
