// index.js - vite-plugin-sluice-md: .md and .mdx imports compiled by the
// `sluice md` sidecar, one per Vite process, on every core.
//
// The one idea: Rollup asks for pages one at a time, but the sidecar is
// fastest given them all at once, so at buildStart the plugin finds the
// project's Markdown files and sends them as one transformBatch; each
// transform then waits for its page's slot in that batch (or, for a file
// the batch did not see or that changed since, asks for the page alone).
import {readFile, readdir} from 'node:fs/promises'
import path from 'node:path'
import * as vite from 'vite'

import {Sidecar} from './sidecar.js'

const PAGE = /\.(md|mdx)$/i
// Imports that ask Vite for something other than the page's module (its
// text, its URL, a worker): Vite's own plugins answer them (Vite's
// SPECIAL_QUERY_RE)
const NOT_A_PAGE_MODULE = /[?&](?:raw|url|worker|sharedworker)(?:[=&]|$)/
const SKIP_DIRS = new Set(['node_modules', '.git'])

/** @param {import('./index.d.ts').SluiceMdOptions} [options] */
export default function sluiceMd(options = {}) {
  const {
    // every .md and .mdx a module imports, node_modules and linked
    // packages outside the root too, as @mdx-js/rollup compiles them
    include = null,
    exclude = null,
    jsxImportSource = 'react',
    providerImportSource,
    gfm = true,
    unsafeHtml = false,
    headingIds = true,
    workers,
    batch = true,
  } = options
  const command = options.command || process.env.SLUICE || 'sluice'
  let filter = vite.createFilter(include, exclude)
  let root = process.cwd()
  let outDir = null
  let logger = console
  let serving = false
  let sidecar = null
  const ahead = new Map() // file -> {content, result: Promise}: the batch's pages not yet asked for

  const rpcOptions = {dialect: gfm ? 'gfm' : 'commonmark', unsafeHtml, jsxImportSource, headingIds}
  if (providerImportSource) rpcOptions.providerImportSource = providerImportSource

  function getSidecar() {
    if (!sidecar) {
      const args = ['md', '--serve']
      if (workers) args.push('-j', String(workers))
      sidecar = new Sidecar(command, args, {
        info: (m) => logger.info(`[sluice-md] ${m}`),
        warn: (m) => logger.warn(`[sluice-md] ${m}`),
      })
    }
    return sidecar
  }

  async function findPages(dir, out) {
    let entries
    try {
      entries = await readdir(dir, {withFileTypes: true})
    } catch {
      return out
    }
    for (const e of entries) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && p !== outDir) await findPages(p, out)
      } else if (e.isFile() && PAGE.test(e.name) && filter(p)) {
        out.push(p)
      }
    }
    return out
  }

  async function sendAhead() {
    const files = await findPages(root, [])
    if (files.length === 0) return
    const contents = await Promise.all(files.map((f) => readFile(f, 'utf8')))
    const started = Date.now()
    let lastLog = 0
    const onProgress = ({completed, total}) => {
      const now = Date.now()
      if (now - lastLog >= 1000 && completed < total) {
        lastLog = now
        logger.info(`[sluice-md] ${completed}/${total} pages compiled`)
      }
    }
    const pages = files.map((file, i) => ({file, content: contents[i], format: formatOf(file)}))
    const all = getSidecar().request('transformBatch', {files: pages, options: rpcOptions}, onProgress)
    all.then(
      (r) => logger.info(`[sluice-md] ${r.results.length} pages compiled in ${Date.now() - started} ms`),
      () => {},
    )
    files.forEach((file, i) => {
      ahead.set(file, {content: contents[i], result: all.then((r) => r.results[i])})
    })
  }

  async function compile(file, content) {
    const early = ahead.get(file)
    if (early) {
      ahead.delete(file)
      if (early.content === content) {
        try {
          const r = await early.result
          if (r.error) throw Object.assign(new Error(r.error.message), r.error)
          return r
        } catch (error) {
          if (error.code !== undefined) throw error // the page's own error
          // the batch failed as a whole: ask for the page alone
        }
      }
    }
    return getSidecar().request('transform', {file, content, format: formatOf(file), options: rpcOptions})
  }

  /** The module of page `id` (null: not a page this plugin compiles); a
   * page's error is thrown as Rollup's error object. */
  async function pageModule(code, id, withFrame) {
    const file = id.split('?')[0]
    if (!PAGE.test(file) || !filter(file) || NOT_A_PAGE_MODULE.test(id)) return null
    let r
    try {
      r = await compile(file, code)
    } catch (error) {
      const e = error.code !== undefined ? pageError(error, withFrame) : error
      if (e.loc) {
        e.id = file
        e.loc.file = file
      }
      throw e
    }
    return r.code !== undefined ? r.code : markdownModule(r, jsxImportSource)
  }

  // The dev server's dependency optimizer (rolldown, Vite 8) runs its own
  // plugins, not Vite's: a package whose JavaScript imports a page is
  // pre-bundled with the page compiled by this one
  const optimizerPlugin = {
    name: 'vite-plugin-sluice-md:optimize-deps',
    async transform(code, id) {
      const js = await pageModule(code, id, true)
      return js === null ? null : {code: js, moduleType: 'js'}
    },
  }

  return {
    name: 'vite-plugin-sluice-md',
    enforce: 'pre',
    config(_, env) {
      if (env.command === 'serve' && vite.rolldownVersion)
        return {optimizeDeps: {rolldownOptions: {plugins: [optimizerPlugin]}}}
    },
    configResolved(config) {
      root = config.root
      outDir = path.resolve(config.root, config.build.outDir)
      logger = config.logger
      serving = config.command === 'serve'
      filter = vite.createFilter(include, exclude, {resolve: root})
    },
    async buildStart() {
      if (batch) await sendAhead()
    },
    async transform(code, id) {
      let js
      try {
        // Vite's dev overlay shows loc and frame; a build (rolldown)
        // reports the message alone, so there the frame goes with it
        js = await pageModule(code, id, !serving)
      } catch (error) {
        this.error(error)
      }
      if (js === null) return null
      return {code: serving ? js + hmrFooter(id.split('?')[0]) : js, map: null}
    },
    handleHotUpdate(ctx) {
      const file = ctx.file
      if (!PAGE.test(file) || !filter(file)) return
      ahead.delete(file)
      // Vite's own course from here: the page's module accepts the update
      // and, unless a sluice-md:update listener takes it, passes it on to
      // its importers (hmrFooter)
    },
    // the end of `vite build`, and of the dev server (Vite calls it on close)
    async closeBundle() {
      const s = sidecar
      sidecar = null
      ahead.clear()
      if (s) await s.close()
    },
  }
}

function formatOf(file) {
  return /\.mdx$/i.test(file) ? 'mdx' : 'md'
}

/** A sidecar error as Rollup's error object: message, loc and frame (Vite's overlay). */
function pageError(e, withFrame) {
  const framed = withFrame && e.data && e.data.frame
  const err = new Error(framed ? `${e.message}\n${e.data.frame}` : e.message)
  err.code = e.code
  if (e.data && e.data.line) {
    err.loc = {line: e.data.line, column: e.data.column - 1}
    err.frame = e.data.frame
  }
  return err
}

/** A .md page's module: the same kind as an .mdx page's, with `html` too. */
function markdownModule(r, jsxImportSource) {
  return [
    `import {jsx as _jsx} from ${JSON.stringify(jsxImportSource + '/jsx-runtime')};`,
    `export const frontmatter = ${JSON.stringify(r.frontmatter)};`,
    `export const headings = ${JSON.stringify(r.headings)};`,
    `export const html = ${JSON.stringify(r.html)};`,
    'export default function MarkdownContent(props = {}) {',
    '  return _jsx("div", {className: props.className, dangerouslySetInnerHTML: {__html: html}});',
    '}',
    '',
  ].join('\n')
}

/** In dev, a page accepts its own updates and offers the new module to the
 * app as a cancelable `sluice-md:update` event.  A listener that re-renders
 * with it calls `preventDefault()`; otherwise (no listener, one that lets
 * it pass, not a browser) the page invalidates itself, so Vite goes on to
 * its importers (another page, the app's `import {x} from './page.mdx'`)
 * as if it did not accept: a Fast Refresh boundary there re-renders, else
 * the page reloads, as with @mdx-js/rollup. */
function hmrFooter(file) {
  return `
if (import.meta.hot) {
  import.meta.hot.accept((mod) => {
    if (!mod) return
    let taken = false
    if (typeof dispatchEvent === 'function' && typeof CustomEvent === 'function')
      taken = !dispatchEvent(new CustomEvent('sluice-md:update', {cancelable: true, detail: {file: ${JSON.stringify(file)}, module: mod}}))
    if (!taken) import.meta.hot.invalidate('no sluice-md:update listener took it')
  })
}
`
}
