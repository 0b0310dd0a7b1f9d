export const twice = (x) => x * 2;
export const name = 'utils';
