console.log('side.cjs runs');
exports.a = 1;
