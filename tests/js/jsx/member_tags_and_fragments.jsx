import React, { Fragment } from "react";
const UI = { Button: ({ children, kind }) => <button className={kind}>{children}</button>, Nested: { Deep: () => <i>deep</i> } };
function List({ rows }) {
  return <>{rows.map((r) => <Fragment key={r}><dt>{r}</dt><dd>{r * 2}</dd></Fragment>)}</>;
}
class Klass extends React.Component {
  render() { const Tag = this.props.as; return <Tag className="k">{this.props.children}</Tag>; }
}
export default function App() {
  return (
    <>
      <UI.Button kind="primary">Go</UI.Button>
      <UI.Nested.Deep />
      <dl><List rows={[1, 2, 3]} /></dl>
      <Klass as="article">inside <b>bold</b></Klass>
      <React.Fragment>frag text</React.Fragment>
      {null}{false}{0}{""}{undefined}{[<i key="1">a</i>, [<u key="2">b</u>]]}
    </>
  );
}
