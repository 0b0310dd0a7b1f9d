import { h, Frag } from "./h";
import * as ns from "./h";
enum Size { Small = "s", Large = "l" }
const Box = (p: { size: Size; children?: unknown }) => <div data-size={p.size}>{p.children}</div>;
console.log(<Frag><Box size={Size.Large}>in <b>box</b></Box><br /></Frag>, typeof ns.h);
