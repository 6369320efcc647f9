import { RE2JS } from 're2js';
/**
 * HTTP route patterns as Redpanda Connect's `http_server` (gorilla/mux)
 * writes them: literal segments, `{name}` (any non-empty segment) and
 * `{name:regex}` (a segment the regex matches as a whole). Parsed once, at
 * load, by the config loader (to report errors and clashes) and the route
 * table (to match); pure, no I/O.
 */
export type RouteSegment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string; readonly regex?: SegmentRegex; readonly source?: string };

/** A parameter's regex, matched against a whole segment in linear time (RE2, as Connect's gorilla/mux). */
export interface SegmentRegex {
  test(segment: string): boolean;
}

export interface RoutePattern {
  /** As written. */
  readonly path: string;
  /** Split on `/` (outside braces): `/users/{id}` → ['', 'users', {id}]. */
  readonly segments: readonly RouteSegment[];
  /**
   * Equal for two patterns that match the same paths by construction:
   * parameter names are ignored, regexes compared as written
   * (`/u/{id:[0-9]+}` ≡ `/u/{n:[0-9]+}`, but ≢ `/u/{id}`).
   */
  readonly key: string;
  readonly hasParams: boolean;
}

/** A path pattern that cannot be used; `offset` is the 0-based index in the path of the fault. */
export class RoutePatternError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'RoutePatternError';
  }
}

const PARAM_HINT = 'a parameter is a whole segment written {name} or {name:regex}, e.g. /users/{id} or /users/{id:[0-9]+}';
const REGEX_HINT = "a parameter's regex matches one whole path segment (RE2 syntax, as Connect; no '/'), e.g. {id:[0-9]+} or {slug:[a-z0-9-]+}";

/** Parses `path`; throws RoutePatternError. A path without a leading `/` is read as if it had one. */
export function parseRoutePattern(path: string): RoutePattern {
  const lead = path.startsWith('/') ? 0 : 1;
  const full = lead ? `/${path}` : path;
  const segments: RouteSegment[] = [];
  const names = new Set<string>();
  for (const { text, at: fullAt } of splitSegments(full)) {
    const at = fullAt - lead;
    const open = text.indexOf('{');
    const close = text.lastIndexOf('}');
    if (open < 0 && close < 0) {
      segments.push({ kind: 'literal', text });
      continue;
    }
    if (open !== 0 || close !== text.length - 1) throw new RoutePatternError(`'${text}' mixes a parameter with other text`, at + Math.max(open, 0), PARAM_HINT);
    const body = text.slice(1, -1);
    const colon = body.indexOf(':');
    const name = colon < 0 ? body : body.slice(0, colon);
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
      throw new RoutePatternError(name === '' ? 'a path parameter has no name' : `'${name}' is not a parameter name`, at + 1, `${PARAM_HINT}; names use letters, digits, _ and -`);
    }
    if (names.has(name)) throw new RoutePatternError(`parameter '${name}' appears twice`, at + 1, 'give each parameter its own name');
    names.add(name);
    if (colon < 0) {
      segments.push({ kind: 'param', name });
      continue;
    }
    const source = body.slice(colon + 1);
    segments.push({ kind: 'param', name, source, regex: compileSegmentRegex(source, at + 2 + colon) });
  }
  const key = segments.map((s) => (s.kind === 'literal' ? s.text : s.source === undefined ? '{}' : `{:${s.source}}`)).join('/');
  return { path, segments, key, hasParams: names.size > 0 };
}

// Splits on '/' outside braces (a regex may hold '/' inside a class, e.g. [^/]+); braces must balance.
function splitSegments(path: string): Array<{ text: string; at: number }> {
  const out: Array<{ text: string; at: number }> = [];
  let depth = 0;
  let start = 0;
  let opened = -1;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && depth > 0) i++;
    else if (c === '{') {
      if (depth === 0) opened = i;
      depth++;
    } else if (c === '}') {
      if (depth === 0) throw new RoutePatternError("'}' without a '{'", i, PARAM_HINT);
      depth--;
    } else if (c === '/' && depth === 0) {
      out.push({ text: path.slice(start, i), at: start });
      start = i + 1;
    }
  }
  if (depth > 0) throw new RoutePatternError("'{' is never closed", opened, PARAM_HINT);
  out.push({ text: path.slice(start), at: start });
  return out;
}

/**
 * Compiles a parameter's regex anchored to the whole segment; `at` is its
 * offset in the path. Matching runs on RE2 (re2js): linear in the segment's
 * length whatever the pattern, so `{id:(a+)+b}` cannot stall the server as a
 * backtracking engine would. The JS engine only checks, at load, that no atom
 * can match '/' and gives its error messages for syntax both accept.
 */
function compileSegmentRegex(source: string, at: number): SegmentRegex {
  if (source === '') throw new RoutePatternError('empty regex after ":"', at, REGEX_HINT);
  try {
    // Alone first: `a)|(b` must not escape the anchoring group below.
    new RegExp(source);
  } catch (err) {
    throw new RoutePatternError(`invalid regex '${source}': ${err instanceof Error ? err.message.replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, '') : String(err)}`, at, REGEX_HINT);
  }
  for (const atom of atoms(source)) {
    if (new RegExp(`^(?:${atom.text})$`).test('/')) {
      throw new RoutePatternError(`regex '${source}' can match '/' (at '${atom.text}'), but a parameter is one path segment`, at + atom.at, `use a class without '/', e.g. [^/]+ or [a-z0-9-]+; for several segments use one parameter each`);
    }
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    throw new RoutePatternError(`regex '${source}' is not RE2 syntax: ${err instanceof Error ? err.message : String(err)}`, at, `${REGEX_HINT}; RE2 has no lookaround or backreferences`);
  }
  return { test: (segment) => re.matches(segment) };
}

/**
 * The pattern's consuming atoms (literal characters, escapes, classes, `.`):
 * if none of them can match '/', no match of the pattern contains one.
 */
function atoms(src: string): Array<{ text: string; at: number }> {
  const out: Array<{ text: string; at: number }> = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    const rest = src.slice(i);
    let len = 1;
    if (c === '\\') {
      len = (/^\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]+\}|c[A-Za-z]|[0-7]{1,3}|\d+|[\s\S])/.exec(rest)?.[0] ?? '\\').length;
      const text = rest.slice(0, len);
      if (text !== '\\b' && text !== '\\B') out.push({ text, at: i });
    } else if (c === '[') {
      let j = 1;
      while (j < rest.length && rest[j] !== ']') j += rest[j] === '\\' ? 2 : 1;
      len = Math.min(j + 1, rest.length);
      out.push({ text: rest.slice(0, len), at: i });
    } else if (c === '(') {
      len = (/^\((?:\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>))?/.exec(rest)?.[0] ?? '(').length;
    } else if (c === '{' && /^\{\d+(?:,\d*)?\}/.test(rest)) {
      len = (/^\{\d+(?:,\d*)?\}/.exec(rest)?.[0] ?? '{').length;
    } else if (!'|)^$*+?'.includes(c)) {
      out.push({ text: c, at: i });
    }
    i += len;
  }
  return out;
}
