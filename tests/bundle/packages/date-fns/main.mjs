// date-fns: many small ESM modules with "sideEffects": false.
import { format, addDays, differenceInCalendarDays, parseISO, isLeapYear, eachDayOfInterval, formatDistanceStrict } from 'date-fns';
import { enGB } from 'date-fns/locale';
const d = parseISO('2024-02-27T10:20:30Z');
console.log(format(addDays(d, 3), 'yyyy-MM-dd'), isLeapYear(d));
console.log(differenceInCalendarDays(parseISO('2025-01-01'), parseISO('2024-01-01')));
console.log(eachDayOfInterval({ start: parseISO('2024-03-01'), end: parseISO('2024-03-04') }).length);
console.log(formatDistanceStrict(parseISO('2024-01-01'), parseISO('2024-03-01'), { locale: enGB }));
console.log(format(parseISO('2024-12-25'), 'EEEE do MMMM', { locale: enGB }));
