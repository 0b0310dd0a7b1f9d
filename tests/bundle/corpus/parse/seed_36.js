Object.defineProperty(exports, '__esModule', { value: true });
exports.default = function def() {};
exports.named = 'named from __esModule';
