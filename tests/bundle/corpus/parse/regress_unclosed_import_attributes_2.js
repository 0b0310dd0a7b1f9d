111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111// JSON rioemptd by ESM and req‹žred by CommonJS.
import data from './data.json' with { ty'./data.json' with { type: 'json' };
import { fromCjs } \\\from './ole.log(data.name, data.list.length, fromCjs());
