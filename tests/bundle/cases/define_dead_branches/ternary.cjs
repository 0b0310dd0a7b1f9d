module.exports = process.env.NODE_ENV !== "production" ? require('./dev_ternary.cjs') : require('./prod.cjs') + ' (ternary)';
