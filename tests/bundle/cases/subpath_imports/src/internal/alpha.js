export const feature = 'alpha feature';
