exports.later = "read in a function";
