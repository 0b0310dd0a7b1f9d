module.exports = 'hoisted';
