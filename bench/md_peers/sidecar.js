// sidecar.js SLUICE THREADS REPS < paths: drives `sluice md --serve` as a
// Node build would.  Reports, as JSON:
//  - latency: `transform` requests one at a time over the pages (send to
//    answer, ms): p50/p95/p99;
//  - batch: one `transformBatch` of all pages, median of REPS: seconds;
//  - pipelined: every page as its own `transform`, 64 in flight: seconds;
//  - serverBatch: the batch again, serialized before timing and its answer
//    taken as text: the sidecar's own cost, without the client's JSON work;
//  - p99small: p99 over the pages of at most 64 KB (small of them), since
//    the p99 of the whole set is set by its largest pages;
//  - inBatchRenderMs: p50/p95/p99 of each page's render (with its JSON)
//    inside one batch, from a fresh sidecar's --stats;
//  - peakRssMB: the sidecar's VmHWM at the end.
'use strict';
const fs = require('fs');
const { spawn } = require('child_process');
const readline = require('readline');

const [sluice, threads, repsArg] = process.argv.slice(2);
const reps = Number(repsArg || 3);
const paths = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean);
const pages = paths.map((p) => ({ file: p, content: fs.readFileSync(p, 'utf8') }));

const child = spawn(sluice, ['md', '--serve', '-j', threads], { stdio: ['pipe', 'pipe', 'inherit'] });
const pending = new Map();
let nextId = 1;
let rawId = 0; // while set: the response to this id is taken as raw text, not parsed
readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
  if (rawId && line.startsWith(`{"jsonrpc":"2.0","id":${rawId},`)) {
    const done = pending.get(rawId);
    pending.delete(rawId);
    rawId = 0;
    return done({ raw: line.length });
  }
  const msg = JSON.parse(line);
  if (msg.method) return; // progress
  const done = pending.get(msg.id);
  pending.delete(msg.id);
  done(msg);
});
function call(method, params) {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
  });
}
const pct = (a, q) => a[Math.min(a.length - 1, Math.floor(q * a.length))];
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const now = () => Number(process.hrtime.bigint()) / 1e6;

(async () => {
  const lat = [], latSmall = [];
  for (const p of pages) {
    const t0 = now();
    const r = await call('transform', p);
    if (r.error) throw new Error(JSON.stringify(r.error));
    lat.push(now() - t0);
    if (Buffer.byteLength(p.content) <= 64 * 1024) latSmall.push(lat[lat.length - 1]);
  }
  lat.sort((a, b) => a - b);
  latSmall.sort((a, b) => a - b);
  const batch = [], piped = [], server = [];
  // The same batch, serialized before the clock starts and its response
  // taken as text: what the sidecar itself costs, without the client's
  // JSON.stringify and JSON.parse.
  const pre = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'transformBatch', params: { files: pages } });
  for (let r = 0; r < reps; r++) {
    let t0 = now();
    const res = await call('transformBatch', { files: pages });
    if (res.result.results.length !== pages.length) throw new Error('short batch');
    batch.push((now() - t0) / 1000);
    t0 = now();
    let i = 0;
    const worker = async () => { while (i < pages.length) await call('transform', pages[i++]); };
    await Promise.all(Array.from({ length: 64 }, worker));
    piped.push((now() - t0) / 1000);
    const id = nextId++;
    const line = pre.replace('"id":0,', `"id":${id},`) + '\n';
    t0 = now();
    await new Promise((resolve) => { pending.set(id, resolve); rawId = id; child.stdin.write(line); });
    server.push((now() - t0) / 1000);
  }
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
  await call('shutdown');
  // One 1,000-page batch in a fresh sidecar with --stats: its per-page
  // render latency inside the batch, as the sidecar measures it.
  const st = spawn(sluice, ['md', '--serve', '--stats', '-j', threads], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  st.stderr.on('data', (d) => { err += d; });
  st.stdout.resume();
  st.stdin.end(pre + '\n');
  await new Promise((resolve) => st.on('close', resolve));
  const render = JSON.parse(err.slice(err.indexOf('{'))).stages.find((x) => x.name === 'render').wait;
  console.log(JSON.stringify({ pages: pages.length, p50: pct(lat, 0.5), p95: pct(lat, 0.95),
    p99: pct(lat, 0.99), small: latSmall.length, p99small: pct(latSmall, 0.99), batchSeconds: median(batch), serverBatchSeconds: median(server),
    inBatchRenderMs: [render.p50_ns, render.p95_ns, render.p99_ns].map((x) => x / 1e6), pipelinedSeconds: median(piped), peakRssMB: hwm }));
})();
