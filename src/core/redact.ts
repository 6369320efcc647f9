/**
 * Credentials never leave in error text: a URL is shown without its
 * `user:password@` and with every query value replaced by `...` (names kept,
 * so `?api_key=...` still says which parameter was sent).
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, '//').replace(/\?.*$/, '?...');
  }
  if (u.username === '' && u.password === '' && u.search === '') return url;
  u.username = '';
  u.password = '';
  const names = [...new Set(u.searchParams.keys())];
  u.search = '';
  const query = names.map((n) => `${encodeURIComponent(n)}=...`).join('&');
  return `${u.origin === 'null' ? `${u.protocol}//${u.host}` : u.origin}${u.pathname}${query ? `?${query}` : ''}${u.hash}`;
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Every URL in `text` redacted (see redactUrl); text without `://` is returned as is, cheaply. */
export function redactUrls(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, (m) => {
    // A URL at the end of a sentence keeps its punctuation outside.
    const tail = /[.,;:)\]]+$/.exec(m)?.[0] ?? '';
    return redactUrl(m.slice(0, m.length - tail.length)) + tail;
  });
}

/** A log call's arguments with URLs redacted in the message and in the string fields of its object (one level, and err.message). */
export function redactLogArgs(args: unknown[]): unknown[] {
  return args.map((a) => {
    if (typeof a === 'string') return redactUrls(a);
    if (a === null || typeof a !== 'object' || Array.isArray(a)) return a;
    let copy: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(a)) {
      let r: unknown = v;
      if (typeof v === 'string') r = redactUrls(v);
      else if (v instanceof Error && v.message.includes('://')) {
        r = Object.assign(new Error(redactUrls(v.message)), { name: v.name, ...(v.stack !== undefined && { stack: redactUrls(v.stack) }) });
      }
      if (r !== v) (copy ??= { ...(a as Record<string, unknown>) })[k] = r;
    }
    return copy ?? a;
  });
}

/**
 * An error as callers of a production server may see it: the first line
 * (no stderr tail), without socket paths, pids or URL credentials. The full
 * text stays in the logs and in `dev`.
 */
export function publicReason(text: string): string {
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  return redactUrls(first)
    .replace(/\/[^\s)'"]*hotplug-plugin-[^\s)'";,]*/g, '<socket>')
    .replace(/\bpid \d+/g, 'the process');
}
