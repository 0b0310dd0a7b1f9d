// client.d.ts - types for the modules vite-plugin-sluice-md makes, for an
// app's tsconfig: "types": ["vite-plugin-sluice-md/client"].
declare module '*.mdx' {
  /** The page's content; props.components replaces Markdown's elements and supplies JSX names. */
  const MDXContent: (props: {components?: Record<string, unknown>; [key: string]: unknown}) => unknown
  export default MDXContent
  /** The YAML front matter, or undefined. */
  export const frontmatter: Record<string, unknown> | undefined
}

declare module '*.md' {
  /** A <div> holding the rendered HTML. */
  const MarkdownContent: (props: {className?: string}) => unknown
  export default MarkdownContent
  export const frontmatter: Record<string, unknown> | null
  /** The page as sluice md renders it. */
  export const html: string
  export const headings: Array<{level: number; text: string; id: string}>
}
