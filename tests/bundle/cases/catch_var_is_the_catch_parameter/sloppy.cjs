// The same rule in sloppy functions, where --minify-identifiers renames the names.
module.exports = function () {
  function catchVar() { try { throw 1 } catch (e) { var e = 2; var z = e } return [typeof e, z] }
  function catchFor() { try { throw 1 } catch (e) { for (var e = 5; false;); } return typeof e }
  function nested() {
    var e = 'outer';
    try { throw 1 } catch (e) { try { throw 2 } catch (e) { var e = 3, inner = e } var after = e }
    return [e, inner, after];
  }
  function param(e) { try { throw 'thrown' } catch (e) { var e = 'assigned', seen = e } return [e, seen] }
  return JSON.stringify([catchVar(), catchFor(), nested(), param('param')]);
};
