// __filename and __dirname exist for CommonJS code, in ESM output too.
const path = require('path');
console.log(typeof __filename, typeof __dirname, path.isAbsolute(__dirname), __filename.startsWith(__dirname));
