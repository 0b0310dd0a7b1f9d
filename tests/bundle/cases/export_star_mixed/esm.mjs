export const fromEsm = 'esm value';
export const shared = 'shared from esm';
