import { Color, Dir, Flags, describe } from "./colors";
import { shape, Outer, revealed } from "./geo";
import * as geo from "./geo";
console.log(Color.Red, Color.Green, Color.Blue, Color.Mixed, Color.Black, Color[6], describe(Color.Black));
console.log(Dir.Up, Dir.Down, Object.keys(Dir).join());
console.log(Flags.AB, Flags.A | Flags.B);
console.log(shape(3), shape.sides, shape.area(2), typeof geo.shape);
Outer.Inner.bump(); Outer.Inner.bump();
console.log(Outer.Inner.counter, revealed, Object.keys(Color).join());
