module.exports = require("./proto_export.mjs");
