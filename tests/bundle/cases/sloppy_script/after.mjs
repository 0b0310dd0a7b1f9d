globalThis.order.push("after");
export const after = typeof implicitGlobal;
