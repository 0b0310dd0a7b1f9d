// dev.test.mjs - vite-plugin-sluice-md in the dev server, its errors and
// its sidecar's restart, with real Vite:
//   dev_server_serves_a_page_and_its_edit_as_an_hmr_update_of_that_module
//     (and a syntax error as Vite's overlay error: message, id, loc, frame)
//   dev_edit_of_a_page_reaches_its_importers_without_an_event_listener
//   dev_edit_taken_by_a_sluice_md_update_listener_stays_an_hmr_update
//   build_of_a_page_with_an_mdx_syntax_error_fails_naming_file_and_line
//   build_compiles_pages_from_node_modules_and_from_a_linked_package
//   build_and_dev_leave_raw_and_url_imports_of_a_page_to_vite
//   dev_prebundles_a_package_whose_javascript_imports_a_page
//   sidecar_that_dies_is_restarted_and_the_request_retried_once
//   sidecar_that_dies_twice_on_a_request_fails_it_saying_so
//
//   node dev.test.mjs SLUICE MODULES_DIR
import {chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {createRequire} from 'node:module'
import {fileURLToPath, pathToFileURL} from 'node:url'

const [sluiceArg, modulesArg] = process.argv.slice(2)
const sluice = resolve(sluiceArg)
process.env.SLUICE = sluice
const modules = resolve(modulesArg)
const require = createRequire(join(modules, 'x.js'))
const {createServer, createServerModuleRunner, build} = await import(pathToFileURL(require.resolve('vite')).href)

const work = mkdtempSync(join(tmpdir(), 'sluice-vite-dev-'))
const pluginDir = join(work, 'plugin')
for (const f of ['index.js', 'sidecar.js', 'package.json'])
  cpSync(join(dirname(fileURLToPath(import.meta.url)), '..', f), join(pluginDir, f))
symlinkSync(modules, join(work, 'node_modules'))
const sluiceMd = (await import(pathToFileURL(join(pluginDir, 'index.js')).href)).default
const {Sidecar} = await import(pathToFileURL(join(pluginDir, 'sidecar.js')).href)

let failed = 0
async function test(name, fn) {
  try {
    await fn()
    console.log(`ok ${name}`)
  } catch (error) {
    failed++
    console.log(`FAIL ${name}: ${error.stack || error}`)
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg)
}
const children = () => {
  // this process's child processes, to see the sidecar come and go
  let n = 0
  for (const t of readdirSync('/proc/self/task'))
    n += readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).length
  return n
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

try {
  await test('dev_server_serves_a_page_and_its_edit_as_an_hmr_update_of_that_module', async () => {
    const root = join(work, 'dev')
    mkdirSync(join(root, 'pages'), {recursive: true})
    symlinkSync(modules, join(root, 'node_modules'))
    writeFileSync(join(root, 'pages/a.mdx'), '# First version\n\nHello {1 + 1}\n')
    writeFileSync(join(root, 'pages/b.md'), '---\ntitle: B\n---\n# Bee\n\n*b*\n')
    writeFileSync(join(root, 'index.html'), '<script type="module" src="/main.js"></script>\n')
    writeFileSync(join(root, 'main.js'), "import A from './pages/a.mdx'\nimport B from './pages/b.md'\nconsole.log(A, B)\n")
    const before = children()
    const server = await createServer({
      root, configFile: false, logLevel: 'silent', plugins: [sluiceMd()],
      server: {port: 0, host: '127.0.0.1', strictPort: false, hmr: true},
    })
    const sent = []
    const hot = server.environments?.client?.hot ?? server.ws
    const send = hot.send.bind(hot)
    hot.send = (...args) => {
      sent.push(args[0])
      return send(...args)
    }
    await server.listen()
    try {
      const url = server.resolvedUrls.local[0]
      const a1 = await (await fetch(url + 'pages/a.mdx')).text()
      assert(a1.includes('First version') && a1.includes('export default function MDXContent'), `first fetch: ${a1}`)
      assert(a1.includes('import.meta.hot.accept'), 'the page accepts its own updates')
      const b1 = await (await fetch(url + 'pages/b.md?import')).text()
      assert(b1.includes('export const html = ') && b1.includes('<h1 id=\\"bee\\">Bee</h1>') && b1.includes('"title":"B"'),
        `the .md page: ${b1}`)
      // the module graph knows the page once the app imports it
      await server.transformRequest('/main.js')
      await server.warmupRequest?.('/pages/a.mdx')
      writeFileSync(join(root, 'pages/a.mdx'), '# Second version\n\nHello {2 + 2}\n')
      let a2 = ''
      for (let i = 0; i < 100 && !a2.includes('Second version'); i++) {
        await sleep(100)
        a2 = await (await fetch(url + 'pages/a.mdx')).text()
      }
      assert(a2.includes('Second version'), `after the edit: ${a2}`)
      for (let i = 0; i < 50 && !sent.some((p) => p && p.type === 'update'); i++) await sleep(100)
      const updates = sent.filter((p) => p && p.type === 'update').flatMap((p) => p.updates)
      assert(updates.length > 0 && updates.every((u) => u.path === '/pages/a.mdx' && u.acceptedPath === '/pages/a.mdx'),
        `HMR of that module only, got ${JSON.stringify(sent)}`)
      assert(!sent.some((p) => p && p.type === 'full-reload'), 'no full reload')
      // a syntax error reaches the browser in Vite's overlay format
      writeFileSync(join(root, 'pages/c.mdx'), '# C\n\n<Tabs>\n{a +* b}\n')
      const res = await fetch(url + 'pages/c.mdx')
      assert(res.status === 500, `a broken page is a 500, got ${res.status}`)
      for (let i = 0; i < 50 && !sent.some((p) => p && p.type === 'error'); i++) await sleep(100)
      const err = sent.find((p) => p && p.type === 'error')?.err
      assert(err && /c\.mdx:4:5: /.test(err.message) && err.id.endsWith('/pages/c.mdx') && err.loc &&
        err.loc.line === 4 && err.loc.column === 4 && err.loc.file.endsWith('/pages/c.mdx') &&
        err.frame.includes('{a +* b}') && err.plugin === 'vite-plugin-sluice-md',
        `overlay error: ${JSON.stringify(err)}`)
      assert(children() === before + 1, 'one sidecar while serving')
    } finally {
      await server.close()
    }
    for (let i = 0; i < 50 && children() > before; i++) await sleep(100)
    assert(children() === before, 'the sidecar exits with the server')
  })

  // The app in Vite's module runner (the browser's HMR client, in Node):
  // main.js renders page a, which imports page b and word.js, and reads b's
  // front matter; each run of main.js pushes what it saw to globalThis[seenKey].
  const seenKey = '__sluiceViteSeen'
  const pageA = (title) => `# ${title}\n\nimport B from "./b.mdx"\nimport {word} from "../word.js"\n\n<B />\n\nWord {word}\n`
  async function hmrApp(name) {
    const root = join(work, name)
    mkdirSync(join(root, 'pages'), {recursive: true})
    symlinkSync(modules, join(root, 'node_modules'))
    writeFileSync(join(root, 'pages/a.mdx'), pageA('First'))
    writeFileSync(join(root, 'pages/b.mdx'), '---\nn: 1\n---\nB one\n')
    writeFileSync(join(root, 'word.js'), "export const word = 'one'\n")
    writeFileSync(join(root, 'main.js'), [
      "import {renderToStaticMarkup} from 'react-dom/server'",
      "import {createElement} from 'react'",
      "import A from './pages/a.mdx'",
      "import {frontmatter} from './pages/b.mdx'",
      `globalThis.${seenKey}.push(frontmatter.n + ' ' + renderToStaticMarkup(createElement(A)))`,
      '',
    ].join('\n'))
    globalThis[seenKey] = []
    const server = await createServer({
      root, configFile: false, logLevel: 'silent', plugins: [sluiceMd()],
      server: {middlewareMode: true, hmr: true, ws: false},
    })
    const runner = createServerModuleRunner(server.environments.ssr)
    await runner.import('/main.js')
    const seen = globalThis[seenKey]
    assert(seen.length === 1 && seen[0].startsWith('1 ') && seen[0].includes('First') && seen[0].includes('B one') &&
      seen[0].includes('Word one'),
      `first run: ${JSON.stringify(seen)}`)
    return {
      root, seen,
      // writes a page (or word.js), then waits (up to 10 s) for main.js to run again
      async edit(file, text, until = () => seen.length > 1) {
        writeFileSync(join(root, file === 'word.js' ? '' : 'pages', file), text)
        for (let i = 0; i < 100 && !until(); i++) await sleep(100)
      },
      async close() {
        await runner.close()
        await server.close()
      },
    }
  }
  const render = async (Component) => {
    const React = await import(pathToFileURL(require.resolve('react')).href)
    const {renderToStaticMarkup} = await import(pathToFileURL(require.resolve('react-dom/server')).href)
    return renderToStaticMarkup(React.createElement(Component))
  }

  await test('dev_edit_of_a_page_reaches_its_importers_without_an_event_listener', async () => {
    const app = await hmrApp('hmr-plain')
    try {
      // b's front matter is an export main.js holds, and b is a component a holds
      await app.edit('b.mdx', '---\nn: 2\n---\nB two\n')
      assert(app.seen.length === 2 && app.seen[1].startsWith('2 ') && app.seen[1].includes('B two'),
        `main.js runs again with the new b: ${JSON.stringify(app.seen)}`)
      await app.edit('a.mdx', pageA('Second'), () => app.seen.length > 2)
      assert(app.seen.length === 3 && app.seen[2].includes('Second') && app.seen[2].includes('B two'),
        `main.js runs again with the new a: ${JSON.stringify(app.seen)}`)
      // a module the page imports: the update goes through the page
      await app.edit('word.js', "export const word = 'two'\n", () => app.seen.length > 3)
      assert(app.seen.length === 4 && app.seen[3].includes('Second') && app.seen[3].includes('Word two'),
        `main.js runs again with the new word: ${JSON.stringify(app.seen)}`)
    } finally {
      await app.close()
    }
  })

  await test('dev_edit_taken_by_a_sluice_md_update_listener_stays_an_hmr_update', async () => {
    const app = await hmrApp('hmr-listener')
    const target = new EventTarget()
    const events = []
    let take = true
    target.addEventListener('sluice-md:update', (e) => {
      events.push(e)
      if (take) e.preventDefault()
    })
    globalThis.dispatchEvent = (e) => target.dispatchEvent(e)
    try {
      await app.edit('a.mdx', pageA('Second'), () => events.length > 0)
      await sleep(500)
      assert(events.length === 1 && events[0].cancelable && events[0].detail.file === join(app.root, 'pages/a.mdx'),
        `one cancelable event for a: ${JSON.stringify(events.map((e) => [e.cancelable, e.detail.file]))}`)
      const html = await render(events[0].detail.module.default)
      assert(html.includes('Second') && html.includes('B one'), `the event's module is the new a: ${html}`)
      assert(app.seen.length === 1, `taken: no reload, main.js not run again: ${JSON.stringify(app.seen)}`)
      // a listener that lets it pass: Vite goes on to the importers
      take = false
      await app.edit('a.mdx', pageA('Third'))
      assert(events.length === 2 && app.seen.length === 2 && app.seen[1].includes('Third'),
        `not taken: main.js runs again: ${JSON.stringify(app.seen)}`)
    } finally {
      delete globalThis.dispatchEvent
      await app.close()
    }
  })

  await test('build_of_a_page_with_an_mdx_syntax_error_fails_naming_file_and_line', async () => {
    const root = join(work, 'broken')
    mkdirSync(join(root, 'pages'), {recursive: true})
    symlinkSync(modules, join(root, 'node_modules'))
    writeFileSync(join(root, 'pages/ok.mdx'), '# Fine\n')
    writeFileSync(join(root, 'pages/broken.mdx'), '# Broken\n\nSome text.\n\n<Note title={1 +* 2}>\n')
    writeFileSync(join(root, 'entry.js'), "export const pages = import.meta.glob('./pages/*.mdx', {eager: true})\n")
    let error = null
    try {
      await build({root, configFile: false, logLevel: 'silent', plugins: [sluiceMd()],
        build: {ssr: join(root, 'entry.js'), outDir: join(root, 'dist')}})
    } catch (e) {
      error = e
    }
    assert(error, 'the build failed')
    const e = error.errors ? error.errors[0] : error
    assert(/broken\.mdx:5:17: unexpected token\n    <Note title=\{1 \+\* 2\}>\n {20}\^/.test(e.message),
      `the message names file:line:column and shows the line: ${e.message}`)
  })

  // An SSR build of root/entry.js with the plugin, loaded.
  async function buildAndLoad(root) {
    await build({root, configFile: false, logLevel: 'silent', plugins: [sluiceMd()],
      build: {ssr: join(root, 'entry.js'), outDir: join(root, 'dist'), rollupOptions: {output: {entryFileNames: 'entry.mjs'}}}})
    return import(pathToFileURL(join(root, 'dist/entry.mjs')).href)
  }

  // A root whose node_modules holds react, react-dom and docpkg (files).
  function withDocPackage(name, files) {
    const root = join(work, name)
    mkdirSync(join(root, 'node_modules/docpkg'), {recursive: true})
    for (const m of ['react', 'react-dom']) symlinkSync(join(modules, m), join(root, 'node_modules', m))
    for (const [f, text] of Object.entries(files)) writeFileSync(join(root, 'node_modules/docpkg', f), text)
    return root
  }

  await test('build_compiles_pages_from_node_modules_and_from_a_linked_package', async () => {
    // @mdx-js/rollup compiles them; they used to reach rolldown as JS
    // ("Invalid Character"), left out by a default exclude of node_modules
    const root = withDocPackage('packages', {'package.json': '{"name": "docpkg", "version": "1.0.0"}\n',
      'd.mdx': '# Pkg doc {1 + 1}\n', 'n.md': '# Pkg notes\n'})
    // a workspace package: node_modules/linked -> outside the root
    const linked = join(work, 'workspace-linked')
    mkdirSync(linked)
    writeFileSync(join(linked, 'package.json'), '{"name": "linked", "version": "1.0.0"}\n')
    writeFileSync(join(linked, 'l.mdx'), '# Linked *doc*\n')
    symlinkSync(linked, join(root, 'node_modules/linked'))
    writeFileSync(join(root, 'entry.js'), [
      "export {default as D} from 'docpkg/d.mdx'",
      "export {default as N} from 'docpkg/n.md'",
      "export {default as L} from 'linked/l.mdx'",
      '',
    ].join('\n'))
    const m = await buildAndLoad(root)
    const got = [await render(m.D), await render(m.N), await render(m.L)]
    assert(/^<h1 id="[^"]*">Pkg doc 2<\/h1>$/.test(got[0]) && got[1] === '<div><h1 id="pkg-notes">Pkg notes</h1>\n</div>' &&
      got[2] === '<h1 id="linked-doc">Linked <em>doc</em></h1>', `rendered: ${JSON.stringify(got)}`)
  })

  await test('build_and_dev_leave_raw_and_url_imports_of_a_page_to_vite', async () => {
    // `?raw` is the file's text, `?url` its URL (Vite's asset plugin), not
    // the page compiled (mdx-js/mdx#2657)
    const root = join(work, 'queries')
    mkdirSync(join(root, 'pages'), {recursive: true})
    symlinkSync(modules, join(root, 'node_modules'))
    const text = {a: '# A page\n\nHello {1 + 1}\n', b: '# B notes\n'}
    writeFileSync(join(root, 'pages/a.mdx'), text.a)
    writeFileSync(join(root, 'pages/b.md'), text.b)
    writeFileSync(join(root, 'entry.js'), [
      "export {default as raw} from './pages/a.mdx?raw'",
      "export {default as mdRaw} from './pages/b.md?raw'",
      "export {default as url} from './pages/a.mdx?url'",
      "export {default as mdUrl} from './pages/b.md?url'",
      "export const globbed = import.meta.glob('./pages/*', {query: '?raw', import: 'default', eager: true})",
      "export {default as Page} from './pages/a.mdx'",
      '',
    ].join('\n'))
    const m = await buildAndLoad(root)
    assert(m.raw === text.a && m.mdRaw === text.b, `?raw: ${JSON.stringify([m.raw, m.mdRaw])}`)
    // a small file's URL is a data URL (build.assetsInlineLimit)
    const dataUrlText = (u) => typeof u === 'string' && u.startsWith('data:') && Buffer.from(u.split(',')[1], 'base64').toString()
    assert(dataUrlText(m.url) === text.a && dataUrlText(m.mdUrl) === text.b, `?url: ${JSON.stringify([m.url, m.mdUrl])}`)
    assert(m.globbed['./pages/a.mdx'] === text.a && m.globbed['./pages/b.md'] === text.b, `glob ?raw: ${JSON.stringify(m.globbed)}`)
    const html = await render(m.Page)
    assert(html.includes('Hello 2'), `the plain import is still the page: ${html}`)
    // the dev server: the same
    const server = await createServer({root, configFile: false, logLevel: 'silent', plugins: [sluiceMd()],
      server: {middlewareMode: true, hmr: false, ws: false}})
    try {
      const raw = await server.transformRequest('/pages/a.mdx?raw')
      assert(raw && raw.code.includes(JSON.stringify(text.a)) && !raw.code.includes('MDXContent'), `dev ?raw: ${raw && raw.code}`)
      const page = await server.transformRequest('/pages/a.mdx')
      assert(page && page.code.includes('MDXContent'), `dev page: ${page && page.code}`)
    } finally {
      await server.close()
    }
  })

  await test('dev_prebundles_a_package_whose_javascript_imports_a_page', async () => {
    // Vite's dependency optimizer bundles docpkg's index.js with its own
    // plugins; the page it imports used to reach it as JavaScript
    const root = withDocPackage('prebundle', {
      'package.json': '{"name": "docpkg", "version": "1.0.0", "type": "module", "main": "index.js"}\n',
      'index.js': "export {default, frontmatter} from './d.mdx'\n", 'd.mdx': '---\ntitle: Packaged\n---\n# Pkg doc\n'})
    writeFileSync(join(root, 'index.html'), '<script type="module" src="/main.js"></script>\n')
    writeFileSync(join(root, 'main.js'), "import D, {frontmatter} from 'docpkg'\nconsole.log(D, frontmatter)\n")
    const failures = []
    const onRejection = (e) => failures.push(e)
    process.on('unhandledRejection', onRejection)
    const server = await createServer({root, configFile: false, logLevel: 'silent', plugins: [sluiceMd()],
      cacheDir: join(root, '.vite'), server: {port: 0, host: '127.0.0.1', hmr: false}})
    try {
      await server.listen()
      const url = server.resolvedUrls.local[0]
      // a failed pre-bundling left the request waiting
      const get = (u) => fetch(u, {signal: AbortSignal.timeout(30000)})
      const main = await (await get(url + 'main.js')).text()
      const dep = /from "([^"]*docpkg[^"]*)"/.exec(main)
      assert(dep && dep[1].includes('/.vite/deps/docpkg.js'), `main.js imports the pre-bundled docpkg: ${main}`)
      const res = await get(new URL(dep[1], url))
      const body = await res.text()
      assert(res.status === 200 && body.includes('Pkg doc') && body.includes('Packaged') && !body.includes('# Pkg doc'),
        `the pre-bundled docpkg holds the compiled page: ${res.status} ${body.slice(0, 400)}`)
      assert(failures.length === 0, `no failure: ${failures.map(String)}`)
    } finally {
      await server.close()
      process.off('unhandledRejection', onRejection)
    }
  })

  // A stand-in for sluice that dies on its first N requests: it reads one
  // line and exits, until the counter file says it has died N times.
  function dying(times) {
    const counter = join(work, `died-${times}`)
    writeFileSync(counter, '')
    const script = join(work, `dying-${times}.sh`)
    writeFileSync(script, `#!/usr/bin/env bash
if [ "$(wc -c < ${counter})" -lt ${times} ]; then read -r line; printf x >> ${counter}; exit 3; fi
exec ${sluice} "$@"
`)
    chmodSync(script, 0o755)
    return script
  }
  const logs = []
  const log = {info: (m) => logs.push(m), warn: (m) => logs.push(m)}

  await test('sidecar_that_dies_is_restarted_and_the_request_retried_once', async () => {
    logs.length = 0
    const s = new Sidecar(dying(1), ['md', '--serve', '-j', '2'], log)
    const r = await s.request('transform', {file: 'a.mdx', content: '# Hi {1}', format: 'mdx'})
    await s.close()
    assert(r.code && r.code.includes('MDXContent'), `result: ${JSON.stringify(r)}`)
    assert(s.restarts === 1 && logs.some((m) => /exited with status 3; restarted it, retrying 1 request\(s\) once/.test(m)),
      `says so: ${JSON.stringify(logs)}`)
  })

  await test('sidecar_that_dies_twice_on_a_request_fails_it_saying_so', async () => {
    logs.length = 0
    const s = new Sidecar(dying(2), ['md', '--serve'], log)
    let error = null
    await s.request('transform', {file: 'a.md', content: '# Hi'}).catch((e) => {
      error = e
    })
    await s.close()
    assert(error && /died twice on this request/.test(error.message), `error: ${error}`)
    assert(existsSync(join(work, 'died-2')) && readFileSync(join(work, 'died-2'), 'utf8') === 'xx', 'it ran twice, no more')
  })
} finally {
  rmSync(work, {recursive: true, force: true})
}
process.exit(failed ? 1 : 0)
