import * as ns from "./r.mjs";
import { y, w } from "./r.mjs";
console.log(Object.keys(ns).join(), ns.x, ns.y, y, w, "x" in ns);
import("./r.mjs").then((d) => console.log(Object.keys(d).join(), d.x));
