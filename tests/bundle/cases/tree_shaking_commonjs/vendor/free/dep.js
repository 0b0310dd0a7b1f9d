exports.x = "FREE_DEP_MARKER";
