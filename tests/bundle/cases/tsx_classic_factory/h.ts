// A classic factory that renders to a string.
export const Frag = "frag";
export function h(tag: any, props: Record<string, unknown> | null, ...children: unknown[]): string {
  if (typeof tag === "function") return tag({ ...props, children });
  const inner = children.flat().join("");
  if (tag === Frag) return inner;
  const attrs = props ? Object.entries(props).map(([k, v]) => ` ${k}=${JSON.stringify(v)}`).join("") : "";
  return `<${tag}${attrs}>${inner}</${tag}>`;
}
