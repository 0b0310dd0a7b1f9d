// node runs the source with these as globals; the bundle gets them from --define
globalThis.DEBUG = false;
globalThis.LEVEL = 2;
