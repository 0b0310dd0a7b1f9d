exports.value = "required by kept code";
