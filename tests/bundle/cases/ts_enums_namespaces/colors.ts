// Enums: numeric with auto-increment, string, computed from earlier members,
// merged across two declarations, and a const enum used from another module.
export enum Color { Red, Green = 5, Blue, Mixed = Green | Blue }
export enum Color { Black = 100 }
export enum Dir { Up = "UP", Down = "DOWN" }
export const enum Flags { None = 0, A = 1 << 0, B = 1 << 1, AB = A | B }
export function describe(c: Color): string { return Color[c] ?? "?"; }
