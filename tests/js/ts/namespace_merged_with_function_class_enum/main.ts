import { shadowed } from "./shadowed.js";
function greet(name: string) { return greet.prefix + name; }
namespace greet { export const prefix = "hi "; }
class Box { static make() { return new Box(); } }
namespace Box { export const kind = "box"; export function describe(b: Box) { return "a " + kind; } }
enum Mode { On, Off }
namespace Mode { export function parse(s: string): Mode { return s === "on" ? Mode.On : Mode.Off; } }
namespace Merged { export const one = 1; }
namespace Merged { export const two = one + 1; export function three() { return two + one; } }
console.log(greet("bob"), Box.kind, Box.describe(Box.make()), Mode.parse("off"), Mode[1], Merged.three());
console.log(shadowed());
