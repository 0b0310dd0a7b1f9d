// A top-level return is CommonJS's: node runs this file in its wrapper
// function, so the return ends this file only (advbundle F8): pasted into
// the bundle's scope it ended every module after it, or did not parse.
if (globalThis.skip) return;
globalThis.ran = "ran";
