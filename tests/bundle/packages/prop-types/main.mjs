// prop-types: its CommonJS index switches on NODE_ENV between the real
// checkers (which require react-is) and throwing shims.
import PropTypes from 'prop-types';
const spec = { name: PropTypes.string.isRequired, n: PropTypes.number };
const errors = [];
const orig = console.error;
console.error = (m) => errors.push(String(m).split('\n')[0]);
PropTypes.checkPropTypes(spec, { n: 'x' }, 'prop', 'Thing');
console.error = orig;
console.log(typeof PropTypes.shape, typeof PropTypes.checkPropTypes, errors.length);
