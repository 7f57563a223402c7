import { Lexer, Source, TokenKind } from 'graphql';
import type { RequestLimits } from './requestLimits.js';
import { tooComplex } from './requestLimits.js';

/**
 * A look at the document's text before it is parsed: graphql-js parses nested brackets recursively, so a
 * document of a few kilobytes nested thousands deep would overflow the stack. The lexer is linear and
 * stops at the token limit, so this costs at most `maxTokens` tokens.
 */

const OPEN = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSE = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

export function checkDocumentText(text: string, limits: RequestLimits): void {
  const lexer = new Lexer(new Source(text));
  let tokens = 0;
  let depth = 0;
  for (;;) {
    let token;
    try {
      token = lexer.advance();
    } catch {
      return; // not a document at all: the parser reports the syntax error with its position
    }
    if (token.kind === TokenKind.EOF) break;
    if (++tokens > limits.maxTokens) {
      throw tooComplex('maxTokens', tokens, limits.maxTokens, `The document has more than ${limits.maxTokens} tokens`);
    }
    if (OPEN.has(token.kind) && ++depth > limits.maxNesting) {
      throw tooComplex('maxNesting', depth, limits.maxNesting, `The document nests brackets more than ${limits.maxNesting} deep`);
    }
    if (CLOSE.has(token.kind)) depth--;
  }
}
