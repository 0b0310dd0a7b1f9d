// index.d.ts - the types of vite-plugin-sluice-md's one export.
import type {Plugin} from 'vite'

export interface SluiceMdOptions {
  /** Files compiled (picomatch globs, relative to Vite's root). Default: every .md and .mdx imported, node_modules included. */
  include?: string | string[] | null
  /** Files left alone. Default: none. */
  exclude?: string | string[] | null
  /** The JSX runtime: `${jsxImportSource}/jsx-runtime`. Default 'react'. */
  jsxImportSource?: string
  /** MDX: also take components from this module's useMDXComponents() (e.g. '@mdx-js/react'). */
  providerImportSource?: string
  /** GitHub-flavoured Markdown (tables, strikethrough, task lists, autolinks). Default true. */
  gfm?: boolean
  /** .md pages: raw HTML passes through instead of being escaped. Default false. */
  unsafeHtml?: boolean
  /** Headings get GitHub-style id attributes. Default true. */
  headingIds?: boolean
  /** Threads the sidecar renders on. Default: one per CPU. */
  workers?: number
  /** Send every page to the sidecar at buildStart, ahead of Rollup's requests. Default true. */
  batch?: boolean
  /** The sluice executable. Default: the SLUICE environment variable, else `sluice` on PATH. */
  command?: string
}

/** The plugin: .md and .mdx imports become a component (default export) and `frontmatter`; .md also `html`. */
export default function sluiceMd(options?: SluiceMdOptions): Plugin
