// @module: commonjs
import lib = require("./lib");
import unused = require("./unused");
namespace Outer { export namespace In { export const v = "inner"; } }
import alias = Outer.In;
console.log(lib.name, lib.add(2, 3), alias.v);
