console.log('b runs');
export const x = 1;
export default 'D';
