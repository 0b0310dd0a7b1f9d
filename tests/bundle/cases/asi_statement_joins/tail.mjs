// postcss/lib/postcss.mjs ends this way: its last statement has no `;`
// and no newline follows it.
const f = () => 'tail'
export const seen = []
export const unused = function () { seen.push('tree-shaken') }
export const last = f