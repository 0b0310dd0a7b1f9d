// dayjs: a UMD file (main: dayjs.min.js) and UMD plugins, also through import().
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import relativeTime from 'dayjs/plugin/relativeTime.js';
dayjs.extend(utc);
dayjs.extend(relativeTime);
const d = dayjs.utc('2024-02-29T12:34:56Z');
console.log(d.format('YYYY-MM-DD HH:mm'), d.add(1, 'year').format('YYYY-MM-DD'), d.isValid());
console.log(dayjs.utc('2024-01-01').from(dayjs.utc('2024-03-01')), d.day(), d.daysInMonth());
import('dayjs/plugin/isLeapYear.js').then((m) => { dayjs.extend(m.default); console.log('leap', d.isLeapYear()); });
