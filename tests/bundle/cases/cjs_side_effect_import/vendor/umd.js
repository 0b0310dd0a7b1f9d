(function (root, factory) {
  if (typeof define === 'function' && define.amd) define([], factory);
  else if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.Umd = factory();
}(this, function () {
  console.log('umd factory runs');
  return { umd: true };
}));
