exports.fromCjs = "from cjs";
