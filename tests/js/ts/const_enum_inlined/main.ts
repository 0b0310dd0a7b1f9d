const enum Flags { None = 0, A = 1 << 0, B = 1 << 1, AB = A | B, Name = "flag" + "s" }
function has(f: number, g: Flags): boolean { return (f & g) !== 0; }
console.log(Flags.AB, has(3, Flags.B), Flags["Name"], Flags.None);
const enum Dir { Up = 1, Down, Left, Right }
const moves: Dir[] = [Dir.Up, Dir.Right, Dir.Down];
console.log(moves.join(","));
