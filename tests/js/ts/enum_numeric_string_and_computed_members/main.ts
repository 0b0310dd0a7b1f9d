enum Color { Red, Green = 5, Blue, Hex = 0x10, Neg = -1, Shift = 1 << 4, Or = Red | Green, Str = "s" }
enum Computed { A = "abc".length, B = A * 2, C = Math.max(3, 4) }
console.log(Color.Red, Color.Green, Color.Blue, Color[6], Color.Hex, Color.Neg, Color.Shift, Color.Or, Color.Str);
console.log(JSON.stringify(Color), JSON.stringify(Computed));
console.log(Computed.A, Computed.B, Computed[8], Computed.C);
