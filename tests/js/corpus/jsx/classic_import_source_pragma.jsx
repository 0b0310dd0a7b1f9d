/** @jsxRuntime classic */
// @jsxImportSource preact
const React = { createElement: (t, p, ...c) => [t, p, c] };
console.log(<div a="1">x{this}</div>);
