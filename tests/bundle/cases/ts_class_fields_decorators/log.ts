export const calls: string[] = [];
export function tag(name: string) {
  calls.push("make " + name);
  return (target: any, key?: string) => { calls.push("apply " + name + (key ? " " + key : "")); };
}
