--> first line
var a = 1 <!-- a < !--b would be a module's
var b = a
--> 0
/*
*/ --> after a comment with a line break
while (a --> 0) b++; /* `-->` after code: a-- > 0 */
<!--
module.exports = [a, b];
