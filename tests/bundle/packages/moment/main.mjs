// moment: UMD; its locale files require('../moment') (a cycle back to the
// package's main, through CommonJS).
import moment from 'moment';
import 'moment/locale/fr.js';
const m = moment.utc('2024-07-14T08:00:00Z');
console.log(m.format('dddd D MMMM YYYY'), m.clone().add(3, 'days').format('YYYY-MM-DD'));
console.log(m.clone().locale('fr').format('dddd D MMMM'), moment.locales().includes('fr'));
console.log(moment.duration(90, 'minutes').asHours(), moment.utc('2024-01-01').isBefore(m));
