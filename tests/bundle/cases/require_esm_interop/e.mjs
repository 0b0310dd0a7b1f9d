export default "D";
export const x = 1;
