enum E { A = 1, B }
enum E { C = 10, D = A + C, F = B * 2 }
export enum X { P }
export enum X { Q = 7 }
console.log(JSON.stringify(E), E.D, E.F, JSON.stringify(X));
