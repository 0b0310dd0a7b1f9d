export const suffix = ' units^2';
export const unused = 'dropped by tree shaking';
