function factory(x) { return 'made ' + x }
export const other = 1
export default factory
export { factory as 'module.exports' }
