console.log('c runs');
export const y = 2;
