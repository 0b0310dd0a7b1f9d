// dotenv/config: a CommonJS module imported only for its side effect (it
// loads .env from the working directory; there is none here).
import 'dotenv/config';
import dotenv from 'dotenv';
const parsed = dotenv.parse('A=1\nB="two words"\n# comment\nC=x=y\n');
console.log(JSON.stringify(parsed), typeof dotenv.config, process.env.SLUICE_DOTENV_PROBE ?? 'unset');
