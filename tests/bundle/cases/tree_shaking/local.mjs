console.log("local side effect");
export function keepMe() { return "kept"; }
export function localUnused() { return "LOCAL_UNUSED_MARKER"; }
