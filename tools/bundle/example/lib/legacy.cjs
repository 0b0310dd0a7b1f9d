module.exports = { version: '1.0', shout: (s) => s.toUpperCase() + '!' };
