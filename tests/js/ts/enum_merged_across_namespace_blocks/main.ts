// An enum exported from two blocks of one namespace is one enum (adv21 F1):
// a member of the second block's initializer names one of the first.
namespace Merge { export enum K { X = 1, W = 5 } }
namespace Merge { export enum K { Y = X + 1, Z = W * Math.round(2), V = "v" + X } }
namespace Outer.Inner { export enum E { A = 3 } }
namespace Outer.Inner { export enum E { B = A * 2 } }
namespace Local { enum P { M = 4 } export const m = P.M; }
namespace Local { const M = 40; enum P { N = M + 1 } export const n = P.N; }
console.log(JSON.stringify(Merge.K), JSON.stringify(Outer.Inner.E), Local.m, Local.n);
