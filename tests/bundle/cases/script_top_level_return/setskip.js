// a script (no import, export, module or exports) run for its effects
globalThis.skip = true;
