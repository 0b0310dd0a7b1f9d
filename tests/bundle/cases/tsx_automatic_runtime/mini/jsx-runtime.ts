// A tiny JSX runtime that renders to a string, standing in for react/jsx-runtime.
type Props = { children?: unknown; [k: string]: unknown };
export const Fragment = Symbol("Fragment");
function kids(c: unknown): string { return Array.isArray(c) ? c.map(kids).join("") : c == null || c === false ? "" : String(c); }
export function jsx(tag: unknown, props: Props, key?: string): string {
  const { children, ...rest } = props;
  if (typeof tag === "function") return tag(props);
  if (tag === Fragment) return kids(children);
  const attrs = Object.entries(rest).map(([k, v]) => ` ${k}="${v}"`).join("");
  return `<${tag as string}${attrs}${key !== undefined ? ` key="${key}"` : ""}>${kids(children)}</${tag as string}>`;
}
export const jsxs = jsx;
