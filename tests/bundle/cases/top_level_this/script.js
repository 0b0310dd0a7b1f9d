// no import, export, module or exports: `this` is module.exports, so CommonJS
this.answer = 42;
console.log("script", typeof this, this.answer);
