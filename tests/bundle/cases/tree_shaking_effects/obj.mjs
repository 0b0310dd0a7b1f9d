export const log = [];
export const obj = {
  valueOf() { log.push('valueOf'); return 1; },
  toString() { log.push('toString'); return 'k'; },
  get prop() { log.push('getter'); return 2; },
  get list() { log.push('list'); return [1, 2]; },
  get ctor() { log.push('ctor'); return Object; },
  get base() { log.push('base'); return class {}; },
};
