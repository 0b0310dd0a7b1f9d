export const e = 'dep e';
