// marked: one ESM file; dynamic import() of the package as well.
import { marked, Lexer } from 'marked';
console.log(marked.parse('# Hi\n\n*a* and **b**, `c`\n\n- one\n- two\n').trim().split('\n').join('|'));
console.log(Lexer.lex('para').map((t) => t.type).join());
import('marked').then((m) => console.log(m.marked === marked, m.parseInline('_x_')));
