import React from "react";
const wrap = <T,>(x: T): T[] => [x];
const pick = <K extends string>(k: K) => k.toUpperCase();
const orDefault = <T = string>(x: T) => [x, x];
const constant = <const T,>(x: T) => x;
const upper = <const T extends string>(x: T) => x.toUpperCase();
const less = (1 as number) < 2;
function Item<T>({ v }: { v: T }) { return <li data-v={String(v)}>{String(v)}</li>; }
export default function App() {
  const xs = wrap<number>(3);
  return (
    <ol title={pick("t")} data-x={orDefault(constant(upper("c"))).join()}>
      {xs.map((x) => <Item<number> key={x} v={x} />)}
      <Item v={less} />
      {...["spread", "children"]}
    </ol>
  );
}
