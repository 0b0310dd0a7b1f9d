// Only types: importing from here must bundle nothing and evaluate nothing
// (tsc removes such imports), and its side effect must not run.
export interface User { name: string; age: number }
export type Id = string | number;
console.log("types.ts evaluated (must not happen)");
