console.log("values loaded");
export const used = "used", unusedValue = "unused";
