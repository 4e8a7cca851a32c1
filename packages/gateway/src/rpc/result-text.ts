/**
 * The raw text of the `result` member of a JSON-RPC answer, so that the gateway relays what
 * the node sent instead of serialising the parsed value again (for a block, stringify costs
 * as much as the parse).
 *
 * Only called on text that JSON.parse has accepted as an object: validity is already proven,
 * so the scanner only has to find where members begin and end. It jumps from quote to quote
 * with indexOf, so its cost follows the number of strings, not the number of characters.
 * Anything unexpected (a duplicated or escaped "result" key, no such key) returns undefined
 * and the caller serialises the parsed value as before.
 */
export function resultText(text: string): string | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  let found: string | undefined;
  i = skipSpace(text, i + 1);
  while (text.charCodeAt(i) === QUOTE) {
    const keyEnd = stringEnd(text, i);
    const isResult = keyEnd - i === RESULT_KEY.length && text.startsWith(RESULT_KEY, i);
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return undefined;
    const valueStart = skipSpace(text, i + 1);
    const valueEnd = valueEndAt(text, valueStart);
    if (isResult) {
      if (found !== undefined) return undefined; // a duplicated key: JSON.parse kept the last
      found = text.slice(valueStart, valueEnd);
    }
    i = skipSpace(text, valueEnd);
    if (text.charCodeAt(i) !== COMMA) break;
    i = skipSpace(text, i + 1);
  }
  return text.charCodeAt(i) === CLOSE_BRACE ? found : undefined;
}

const RESULT_KEY = '"result"';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    // JSON whitespace: space, tab, line feed, carriage return.
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
    i++;
  }
}

/** The index just past the string that opens at `start` (a quote). */
function stringEnd(text: string, start: number): number {
  let i = start;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i === -1) return text.length;
    // A quote preceded by an odd number of backslashes is escaped.
    let backslashes = 0;
    while (text.charCodeAt(i - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return i + 1;
  }
}

/** The index just past the value that starts at `start`. */
function valueEndAt(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: runs to the next delimiter.
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c) || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET) return i;
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) return i;
      i++;
    }
  }
  let depth = 0;
  let i = start;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c)) return i;
    if (c === QUOTE) {
      i = stringEnd(text, i);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
}
