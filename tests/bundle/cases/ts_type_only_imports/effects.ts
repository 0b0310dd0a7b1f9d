// An ES module although lowering removes its only export (esbuild's rule;
// an import lowering removes does not make one): imported for its effects
// it is not wrapped as CommonJS, and its `this` is undefined.
import type { User } from "./types";
export type Maybe = User | undefined;
const nobody: Maybe = undefined;
console.log("effects", typeof this, nobody);
