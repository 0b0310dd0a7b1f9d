function f(a, a) { arguments = 1; [eval] = [eval]; return `\0${a}`; }
t`\101`;
x = 0777 + "\101";
for (var k = 1 in {}) ;
for (var q = (0, 1) in (o)) q;
