// A read of a global no one declares throws a ReferenceError: kept.
var missing = notDefinedAnywhere;
export const never = 1;
