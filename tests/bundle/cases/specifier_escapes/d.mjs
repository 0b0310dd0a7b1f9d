const d = "d";
export { d as "d\u00e9j\u00e0" };
