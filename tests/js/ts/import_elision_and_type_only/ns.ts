console.log("ns loaded (only when not elided)");
export const z = 1;
