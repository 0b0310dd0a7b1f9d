import React from "react";
const extra = { id: "x1", title: "from spread" };
export default function App() {
  const items = ["a", "b", "c"];
  return (
    <section className="box" data-role="main" aria-label="A &amp; B" hidden={false} tabIndex={0} {...extra} title="override">
      <input disabled value="v" onChange={() => {}} />
      <label htmlFor="x" title="multi
line">label</label>
      {items.map((it, i) => <span key={it} {...extra} id={"s" + i}>{it}</span>)}
      {items.map((it) => <em {...extra} key={it}>{it}</em>)}
      <svg xmlnsXlink="http://www.w3.org/1999/xlink"><use xlinkHref="#a" /></svg>
      <div style={{ color: "red", marginTop: 2 }} dangerouslySetInnerHTML={{ __html: "<b>raw</b>" }} />
    </section>
  );
}
