module.exports = 'DEVELOPMENT TERNARY';
