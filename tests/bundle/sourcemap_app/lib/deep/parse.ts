// parse.ts: a small parser whose errors come from nested arrows, an enum
// and a namespace (TypeScript that lowering reshapes a lot).
export enum Tok {
  Num,
  Plus,
  Minus,
  End,
}

export namespace Lexer {
  export interface Token {
    kind: Tok;
    text: string;
  }
  export const lex = (s: string): Token[] =>
    s.split(/\s+/).filter(Boolean).map((text): Token => { // @frame parse-bad-token 1
      if (/^\d+$/.test(text)) return { kind: Tok.Num, text };
      if (text === '+') return { kind: Tok.Plus, text };
      if (text === '-') return { kind: Tok.Minus, text };
      throw new SyntaxError(`bad token ${JSON.stringify(text)}`); // @frame parse-bad-token 0
    });
}

export function evaluate(src: string): number {
  const toks = Lexer.lex(src); // @frame parse-bad-token 2
  let acc = 0;
  let sign = 1;
  for (const t of toks) {
    switch (t.kind) {
      case Tok.Num:
        acc += sign * Number(t.text);
        break;
      case Tok.Plus:
        sign = 1;
        break;
      case Tok.Minus:
        sign = -1;
        break;
    }
  }
  return acc;
}
