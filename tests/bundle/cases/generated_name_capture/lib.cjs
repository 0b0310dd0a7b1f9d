exports.x = 'lib x';
