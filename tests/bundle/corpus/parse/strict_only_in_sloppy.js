function f(a, a) { arguments = 1; [eval] = [eval]; return `\0${a}`; }
t`\101`;
x = 0777 + "\101";
