"\101";
exports.mode = 0777 & (~022);
