exports.usedName = "used name";
