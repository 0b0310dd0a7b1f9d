// Imported but never read: tsc elides the import, so this never runs.
console.log("unused.ts evaluated (must not happen)");
export const unusedValue = 1;
