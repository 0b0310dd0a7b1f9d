// x: two bindings through `export *` (ambiguous, left out); y: one binding
// reached by two paths (not ambiguous); z: p's own beside a star one.
export * from "./p.mjs";
export * from "./q.mjs";
export * from "./again.mjs";
