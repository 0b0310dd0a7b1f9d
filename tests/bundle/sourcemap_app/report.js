// report.js: runs one case that must throw and prints, as one JSON line,
// its name, message and the stack's frames ({file, line, col}; col is
// 1-based as V8 prints it).  Shared by the bundle (through main.ts) and by
// the unbundled reference run (pkg-ref.mjs).
export function report(name, fn) {
  try {
    fn();
  } catch (e) {
    const frames = [];
    for (const l of String(e.stack).split('\n').slice(1)) {
      const m = /(?:\(|at )((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/.exec(l.trim());
      if (m) frames.push({ file: m[1].replace(/^file:\/\//, ''), line: +m[2], col: +m[3] });
    }
    console.log(JSON.stringify({ name, message: e.message, frames }));
    return;
  }
  console.log(JSON.stringify({ name, message: 'did not throw', frames: [] }));
}
