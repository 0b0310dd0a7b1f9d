export const plain = 'plain';
export default 'hidden by export *';
