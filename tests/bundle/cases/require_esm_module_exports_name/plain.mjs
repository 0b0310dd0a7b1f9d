export default 'plain default'
export const named = 2
