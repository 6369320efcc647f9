/** ANSI SGR open/close codes. */
const STYLES = { red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22] } as const;
type Style = keyof typeof STYLES;

/**
 * Colour for a person at a terminal, as the no-color.org convention and most
 * CLIs have it: on when the stream is a TTY, off with NO_COLOR (any value) or
 * TERM=dumb; FORCE_COLOR (not 0) turns it on anywhere.
 */
export function colourEnabled(stream: { isTTY?: boolean }): boolean {
  const force = process.env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  return Boolean(stream.isTTY) && process.env['TERM'] !== 'dumb';
}

/** A painter for one stream: `paint('red', text)`, or the text as is when colour is off. */
export function painter(stream: { isTTY?: boolean }): (style: Style, text: string) => string {
  return colourEnabled(stream) ? (style, text) => `\x1b[${STYLES[style][0]}m${text}\x1b[${STYLES[style][1]}m` : (_style, text) => text;
}
