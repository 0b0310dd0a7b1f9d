module.exports = require('./required.cjs') + ' via requirer';
