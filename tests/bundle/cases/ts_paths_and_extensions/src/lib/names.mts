export const who: string = "mts";
