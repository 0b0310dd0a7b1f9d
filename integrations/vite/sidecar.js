// sidecar.js - one `sluice md --serve` child process, spoken to in
// JSON-RPC 2.0 over NDJSON (docs/formats/md-rpc.md in the sluice repository).
//
// The one idea: every request stays in `pending` until its answer arrives,
// so when the child dies every request still in flight is known, and each
// is sent again, once, to a new child (the design note's FAQ: "the plugin
// restarts it and retries the request once").  A request that a second
// child also dies on is rejected: it is probably the page that kills it.
import {spawn} from 'node:child_process'
import {createInterface} from 'node:readline'

export class Sidecar {
  /**
   * @param {string} command the sluice executable
   * @param {string[]} args e.g. ['md', '--serve', '-j', '4']
   * @param {{info(msg: string): void, warn(msg: string): void}} log
   */
  constructor(command, args, log) {
    this.command = command
    this.args = args
    this.log = log
    this.child = null
    this.nextId = 1
    this.pending = new Map() // id -> {line, resolve, reject, retried, onProgress}
    this.closing = false
    this.restarts = 0
  }

  start() {
    if (this.child) return this.child
    const child = spawn(this.command, this.args, {stdio: ['pipe', 'pipe', 'pipe']})
    this.child = child
    child.stdin.on('error', () => {}) // a dead child's pipe: 'exit' says what happened
    createInterface({input: child.stdout, crlfDelay: Infinity}).on('line', (line) => this.answer(line))
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000)
    })
    child.on('error', (error) => {
      // could not start: nothing to retry on, every request fails with why
      if (this.child !== child) return
      this.child = null
      const msg = `cannot run the sluice sidecar '${this.command}': ${error.message} ` +
        '(set the plugin\'s `command` option, or SLUICE, or put sluice on PATH)'
      for (const [, p] of this.pending) p.reject(new Error(msg))
      this.pending.clear()
    })
    child.on('exit', (code, signal) => {
      if (this.child !== child) return
      this.child = null
      if (this.closing && this.pending.size === 0) return
      this.died(signal ? `killed by ${signal}` : `exited with status ${code}`, stderr.trim())
    })
    return child
  }

  died(how, stderr) {
    const again = [...this.pending.entries()]
    if (again.length === 0) {
      this.log.warn(`sluice sidecar ${how}; a new one starts with the next request`)
      return
    }
    const retry = again.filter(([, p]) => !p.retried)
    for (const [id, p] of again) {
      if (p.retried) {
        this.pending.delete(id)
        p.reject(new Error(`the sluice sidecar died twice on this request (${how})${stderr ? ': ' + stderr : ''}`))
      }
    }
    if (retry.length === 0) return
    this.restarts++
    this.log.warn(`sluice sidecar ${how}; restarted it, retrying ${retry.length} request(s) once`)
    const child = this.start()
    for (const [, p] of retry) {
      p.retried = true
      child.stdin.write(p.line)
    }
  }

  answer(line) {
    if (!line.trim()) return
    let msg
    try {
      msg = JSON.parse(line)
    } catch {
      this.log.warn(`sluice sidecar wrote a line that is not JSON: ${line.slice(0, 200)}`)
      return
    }
    if (msg.method === 'progress') {
      const p = this.pending.get(msg.params && msg.params.batchId)
      if (p && p.onProgress) p.onProgress(msg.params)
      return
    }
    const p = this.pending.get(msg.id)
    if (!p) return
    this.pending.delete(msg.id)
    if (msg.error) {
      const error = new Error(msg.error.message)
      error.code = msg.error.code
      error.data = msg.error.data
      p.reject(error)
    } else {
      p.resolve(msg.result)
    }
  }

  /** Sends one request; resolves with its result, rejects with its error. */
  request(method, params, onProgress) {
    const id = `v${this.nextId++}`
    const line = JSON.stringify({jsonrpc: '2.0', id, method, params}) + '\n'
    return new Promise((resolve, reject) => {
      this.pending.set(id, {line, resolve, reject, retried: false, onProgress})
      const child = this.start()
      if (child.stdin.writable) child.stdin.write(line)
    })
  }

  /** Asks the child to finish what it has and exit; resolves when it has. */
  async close() {
    this.closing = true
    const child = this.child
    if (!child) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.stdin.end()
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
}
