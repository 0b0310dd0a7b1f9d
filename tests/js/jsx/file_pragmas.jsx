/** @jsxRuntime classic */
/* A file's own JSX settings in its leading comments win over --jsx and
   tsconfig.json, as in esbuild and tsc: this file is compiled with the
   classic runtime and its own factory and fragment in both modes.
   @jsx h @jsxFrag Frag */
import React from "react";
const h = (type, props, ...children) => React.createElement(type, { ...props, "data-h": "yes" }, ...children);
const Frag = ({ children }) => React.createElement("section", null, children);
export default function App() {
  return (
    <div id="app">
      <>inner</>
      <span>/** @jsx notAPragma */</span>
    </div>
  );
}
