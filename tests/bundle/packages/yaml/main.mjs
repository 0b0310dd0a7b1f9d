// yaml: CommonJS split over many modules ("node" condition).
import YAML, { parseDocument, stringify } from 'yaml';
const doc = parseDocument('a: 1\nb: [x, y]\nc:\n  d: true # note\n');
console.log(JSON.stringify(doc.toJS()), doc.errors.length);
console.log(stringify({ list: [1, 'two', { three: 3 }], s: 'multi\nline' }).trim().split('\n').join('|'));
console.log(JSON.stringify(YAML.parse('- &a 1\n- *a\n')), typeof YAML.Document);
