import type { User } from "./types";
export type { Id } from "./types";
export const make = (name: string, age: number): User => ({ name, age });
export let count = 0;
export function inc(): void { count++; }
