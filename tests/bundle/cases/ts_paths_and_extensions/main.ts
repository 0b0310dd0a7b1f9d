import { add } from "@lib/math";          // tsconfig paths (inherited through extends)
import { add as add2 } from "./src/lib/math.js"; // ./x.js -> x.ts
import { who } from "./src/lib/names.mjs";      // .mjs -> .mts
import { widget } from "#comp";                  // exact paths key
import { plain } from "src/plain";               // baseUrl
import * as comp from "./src/comp";              // directory -> index.ts
import { add as add3 } from "@cfg/math";         // ${configDir} in the base's paths
console.log(add(1, 2), add2(3, 4), add3(5, 6), who, widget(), plain, Object.keys(comp).join());
