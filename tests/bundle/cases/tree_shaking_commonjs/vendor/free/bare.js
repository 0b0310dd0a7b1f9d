module.exports = "FREE_BARE_MARKER";
