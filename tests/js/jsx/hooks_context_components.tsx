import React, { createContext, useContext, useState, useMemo, type ReactNode } from "react";
interface Theme { color: string; size: number }
const ThemeCtx = createContext<Theme>({ color: "blue", size: 1 });
type Props<T> = { items: T[]; render: (t: T) => ReactNode };
function Generic<T,>({ items, render }: Props<T>) { return <ul>{items.map((t, i) => <li key={i}>{render(t)}</li>)}</ul>; }
const identity = <T extends unknown>(x: T): T => x;
enum Size { Small = 1, Large = 3 }
function Themed({ label }: { label: string }) {
  const t = useContext(ThemeCtx);
  const [n] = useState<number>(Size.Large);
  const doubled = useMemo(() => n * 2, [n]);
  return <span style={{ color: t.color }} data-n={doubled}>{label as string}:{t.size}</span>;
}
export default function App(): JSX.Element {
  return (
    <ThemeCtx.Provider value={{ color: "green", size: identity(Size.Small) }}>
      <Themed label="one" />
      <Generic<number> items={[1, 2]} render={(x) => <b>{x * 10}</b>} />
    </ThemeCtx.Provider>
  );
}
