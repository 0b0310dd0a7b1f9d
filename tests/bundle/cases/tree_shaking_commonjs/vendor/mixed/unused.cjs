exports.unusedCjs = "MIXED_UNUSED_MARKER";
