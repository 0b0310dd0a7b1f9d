// no module syntax at all: still CommonJS to node
{ function require() {} }
globalThis.scriptSaw = typeof require + ',' + typeof (function () { { function module() {} } return module; })();
