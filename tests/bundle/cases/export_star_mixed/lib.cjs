exports.fromCjs = 'cjs value';
