import { List } from "./list";
const extra = { id: "x", title: "t" };
const page = (
  <>
    <h1 {...extra}>Hello &amp; welcome</h1>
    <List items={["a", "b", "c"]} />
    {"  text  "}
    <p>
      two
      lines
    </p>
  </>
);
console.log(page);
