/**
 * JSON request bodies, parsed only when they are nested no deeper than `maxDepth` arrays and objects.
 * A body of twenty thousand `[` is a few kilobytes, yet whatever walks it recursively after parsing
 * (validation, copying, serializing) runs out of stack: it is refused before it is parsed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GovdxError } from '../domain/index.ts';

/** Whether `text` (JSON) opens more than `maxDepth` arrays and objects inside one another. */
export function nestedDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export function tooDeep(maxDepth: number): GovdxError {
  return new GovdxError(
    'VALIDATION_FAILED',
    `The request body is nested more than ${maxDepth} levels deep (arrays and objects inside one another); this server accepts at most ${maxDepth}.`,
    { maxDepth },
  );
}

/**
 * Replaces the JSON parser of `app` (and of the routes registered in it) with one that refuses bodies
 * nested deeper than `maxDepth`. By default the refusal is the parse error; `onTooDeep` lets a part
 * take the body as a value of its own instead (the exchange records the refusal on the ledger).
 */
export function limitJsonDepth(
  app: FastifyInstance,
  maxDepth: number,
  onTooDeep: (request: FastifyRequest) => unknown = () => {
    throw tooDeep(maxDepth);
  },
): void {
  // Fastify's own parser (secure-json-parse): refuses __proto__ and constructor.prototype keys.
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (nestedDeeperThan(text, maxDepth)) {
      try {
        done(null, onTooDeep(request));
      } catch (error) {
        done(error as Error, undefined);
      }
      return;
    }
    parse(request, text, done);
  });
}
