let n = 20;
export default n * 2 + 2
