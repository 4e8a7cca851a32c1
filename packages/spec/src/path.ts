/**
 * Document paths as printed in diagnostics: `apps.web.depends_on[0]`. Keys that
 * are not plain identifiers (they hold a dot, a space, start with a digit...) are
 * quoted, `chains["a.b"]`, so that every printed path parses back unambiguously.
 */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Reads a printed path back into segments. Lenient on purpose: an unparsable
 * tail is dropped, which makes a position lookup fall back to the ancestor.
 */
export function parsePath(text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const token = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let match: RegExpExecArray | null = token.exec(text);
  while (match !== null) {
    const [, key, index, quoted] = match;
    if (key !== undefined) segments.push(key);
    else if (index !== undefined) segments.push(Number(index));
    else if (quoted !== undefined) segments.push(String(JSON.parse(quoted)));
    if (token.lastIndex >= text.length) break;
    match = token.exec(text);
  }
  return segments;
}
