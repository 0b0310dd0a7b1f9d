module.exports = 'production build';
