module.exports = 'DEVELOPMENT BUILD';
