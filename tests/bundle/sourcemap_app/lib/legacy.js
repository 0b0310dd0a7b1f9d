// legacy.js: plain JavaScript beside the TypeScript, throwing from a
// function declared after its use and from a getter.
export function pick(obj, key) {
  return lookup(obj, key); // @frame legacy-pick 1
}

function lookup(obj, key) {
  if (!(key in obj)) throw new Error('no key ' + key); // @frame legacy-pick 0
  return obj[key];
}

export const config = {
  get strict() {
    throw new TypeError('strict is write-only'); // @frame legacy-getter 0
  },
};
