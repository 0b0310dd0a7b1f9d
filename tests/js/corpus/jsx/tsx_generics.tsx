const a = <T,>(x: T) => x;
const b = <T extends object>(x: T) => x;
const c = <div>{a(1)}</div>;
const d = (x as any) < 2;
function f<T>(x: T) { return <span {...(x as any)}>{...[1,2]}</span>; }
