// uuid: ESM with "node" and "default" conditions; uses node's crypto.
import { v5, validate, version, parse, stringify, NIL, v4 } from 'uuid';
const ns = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const id = v5('sluice', ns);
console.log(id, validate(id), version(id), validate('nope'), NIL);
console.log(stringify(parse(id)) === id, validate(v4()), version(v4()));
