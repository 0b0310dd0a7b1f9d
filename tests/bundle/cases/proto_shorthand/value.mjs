export const value = { from: "value" };
