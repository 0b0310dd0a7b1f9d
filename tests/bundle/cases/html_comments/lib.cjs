function count(n) {
  let seen = 0;
  while (n --> 0) seen++; /* `-->` after code: n-- > 0 */
  /* a comment on two
     lines */ --> then a comment
  return seen;
}
<!-- the export:
module.exports = { count };
