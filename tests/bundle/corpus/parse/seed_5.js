export default (a) => a * 21;
