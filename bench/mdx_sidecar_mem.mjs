// mdx_sidecar_mem.mjs - the sidecar's peak memory: every .mdx page of DIR
// sent to one `sluice md --serve -j J` as one transformBatch (what
// vite-plugin-sluice-md does at buildStart); once the answer is in, the
// process's VmHWM (peak resident set) is read from /proc.  Prints
// "PEAK_KB ANSWER_MS PAGES".
//
//   node mdx_sidecar_mem.mjs SLUICE DIR J
import {spawn} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

const [sluice, dir, j] = process.argv.slice(2)
const files = readdirSync(dir).filter((f) => f.endsWith('.mdx'))
const batch = files.map((f) => ({file: f, content: readFileSync(join(dir, f), 'utf8')}))
const child = spawn(sluice, ['md', '--serve', '-j', j], {stdio: ['pipe', 'pipe', 'inherit']})
let chunks = [] // the answer is one long line: look for line ends in each new chunk only
const t0 = performance.now()
child.stdout.on('data', (d) => {
  chunks.push(d)
  if (!d.includes(10)) return
  const lines = Buffer.concat(chunks).toString('utf8').split('\n')
  chunks = [Buffer.from(lines.pop(), 'utf8')]
  for (const line of lines) {
    const m = JSON.parse(line)
    if (m.id !== 1) continue // progress notifications
    const ms = performance.now() - t0
    const ok = m.result.results.filter((r) => r.code).length
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]
    console.log(hwm, ms.toFixed(0), ok)
    child.stdin.end()
  }
})
child.stdin.write(JSON.stringify({jsonrpc: '2.0', id: 1, method: 'transformBatch', params: {files: batch}}) + '\n')
