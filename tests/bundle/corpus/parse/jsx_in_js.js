const App = () => (
  <div a="1" {...p}>{x} <b>t</b> <></></div>
);
let y = a < b > c, z = <3;
