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
let buf = ''
const t0 = performance.now()
child.stdout.on('data', (d) => {
  buf += d
  for (let i; (i = buf.indexOf('\n')) >= 0;) {
    const line = buf.slice(0, i)
    buf = buf.slice(i + 1)
    const m = JSON.parse(line)
    if (m.id !== 1) continue
    const ms = performance.now() - t0
    const ok = m.result.results.filter((r) => r.code).length
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]
    console.log(hwm, ms.toFixed(0), ok)
    child.stdin.end()
  }
})
child.stdin.write(JSON.stringify({jsonrpc: '2.0', id: 1, method: 'transformBatch', params: {files: batch}}) + '\n')
