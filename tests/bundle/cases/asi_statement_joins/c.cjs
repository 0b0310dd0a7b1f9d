exports.bar = function () { return this === exports }
exports.arr = [1]
