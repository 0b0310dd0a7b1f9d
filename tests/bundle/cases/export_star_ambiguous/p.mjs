export const x = "px";
export const y = "py";
