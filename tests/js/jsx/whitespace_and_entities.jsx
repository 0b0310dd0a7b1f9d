import React from "react";
export default function App() {
  const name = "world";
  return (
    <div>
      Hello,   {name}!
      <p>  leading and trailing  </p>
      <p>
        line one
        line two   

        after blank	tab
      </p>
      <span>&amp; &lt;tag&gt; &nbsp;x&copy;&#169;&#x1F600;&unknown; &quot;q&quot; &apos;a&apos;</span>
      <b>{" "}kept{" "}</b>
      {/* a comment child */}
      <i>
      </i>
      <pre>{`  template
  text  `}</pre>
    </div>
  );
}
