console.log('required.cjs runs');
module.exports = 'required value';
