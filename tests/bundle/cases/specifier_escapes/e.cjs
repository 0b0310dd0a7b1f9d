module.exports = 'e';
