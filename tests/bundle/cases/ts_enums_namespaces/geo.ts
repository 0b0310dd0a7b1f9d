// A namespace merged with a function, a nested dotted namespace, and a
// namespace whose exported variable is assigned from outside.
export function shape(n: number): string { return "shape" + n; }
export namespace shape { export const sides = 4; export function area(s: number) { return s * s * sides; } }
export namespace Outer.Inner { export let counter = 0; export function bump(): number { return ++counter; } }
namespace Hidden { export const secret = 42; }
export const revealed: number = Hidden.secret;
