interface ItemProps { label: string; n: number }
export function Item({ label, n }: ItemProps) { return <li class="item">{label}: {n * 2}</li>; }
export const List = ({ items }: { items: string[] }) => (
  <ul>{items.map((s, i) => <Item key={s} label={s} n={i} />)}</ul>
);
