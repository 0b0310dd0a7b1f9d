// react + react-dom: CommonJS packages, NODE_ENV defined to production.
import React, { useState, createElement } from 'react';
import { renderToString, renderToStaticMarkup } from 'react-dom/server';
function Counter({ start }) {
  const [n] = useState(start);
  return createElement('button', { className: 'c' }, 'count ', n);
}
const App = () => createElement('main', null, createElement('h1', null, 'Hi'), createElement(Counter, { start: 3 }));
console.log(renderToStaticMarkup(createElement(App)));
console.log(renderToString(createElement('ul', null, [1, 2].map((i) => createElement('li', { key: i }, i)))));
console.log(typeof React.Component, React.version.split('.')[0]);
