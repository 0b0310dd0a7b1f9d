import { type User, type Id } from "./types";
import type * as T from "./types";
import { make, inc, count, type Id as Id2 } from "./values";
import { unusedValue } from "./unused";
import "./effects";
const u: User = make("ada", 36);
const id: Id | Id2 | T.Id = 7;
inc(); inc();
console.log(u.name, u.age, id, count);
