console.log("default loaded (only when not elided)");
export default 1;
