const d = require("./data.json"); exports.fromCjs = () => d.nested.ok;
