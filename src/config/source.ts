import { isAlias, isCollection, isPair, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { ErrorCode, type SourceLocation } from '../core/errors.js';
import type { Diagnostics } from './diagnostics.js';

/**
 * One parsed YAML file with what it takes to point at any node in it:
 * positions are offsets into `text`, turned into 1-based line:col on demand.
 */
export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/**
 * Parses `text`, reporting every syntax error and warning the parser found
 * (not only the first). The document is returned even when it has errors:
 * callers decide whether to go on.
 */
export function parseYaml(text: string, file: string, diags: Diagnostics): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { keepSourceTokens: true, lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const src: YamlSource = { file, text, doc, lines };
  for (const e of doc.errors) {
    const offset = (e.message.includes('quote') ? unclosedQuote(doc, e.pos[0]) : undefined) ?? (/^Flow (map|sequence)/.test(e.message) ? unclosedFlow(doc, e.pos[0]) : undefined) ?? e.pos[0];
    diags.error(ErrorCode.YamlSyntax, yamlMessage(e.message), at(src, offset), syntaxHint(e.code, restOfLine(text, e.pos[0])));
  }
  for (const w of doc.warnings) {
    diags.warn(ErrorCode.YamlSyntax, yamlMessage(w.message), at(src, w.pos[0]));
  }
  if (doc.errors.length === 0 && withinAliasBudget(src, diags)) resolveAliases(doc);
  return src;
}

/** The location of an offset (or of a node's start), with a YAML path. */
export function at(src: YamlSource, where: number | Node | null | undefined, path?: string): SourceLocation {
  const offset = typeof where === 'number' ? where : where?.range?.[0];
  const loc: SourceLocation = { file: src.file };
  if (offset !== undefined) {
    const { line, col } = src.lines.linePos(offset);
    loc.line = line;
    loc.col = col;
  }
  if (path) loc.path = path;
  return loc;
}

/** `a` + `b` → `a.b`; `a` + 2 → `a[2]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Nodes that aliases may add to a document once expanded. Reusing a block a
 * few times costs hundreds; an alias bomb (`&a [*b, *b, ...]` nested) costs
 * billions from a few hundred bytes. Connect's YAML parser refuses such
 * documents too ("excessive aliasing").
 */
export const ALIAS_EXPANSION_BUDGET = 10_000;

// Measures what expanding every alias would add, without expanding anything:
// each anchored node's expanded size is computed once. Reports the alias
// that goes over the budget (or that refers to a node containing itself).
function withinAliasBudget(src: YamlSource, diags: Diagnostics): boolean {
  const { doc } = src;
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let cyclic: Node | undefined;
  const sizeOf = (node: unknown): number => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) return 1;
      if (open.has(target)) {
        cyclic ??= node;
        return Infinity;
      }
      return sizeOf(target);
    }
    if (!isCollection(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let n = 1;
    for (const item of node.items as unknown[]) n += isPair(item) ? sizeOf(item.key) + sizeOf(item.value) : sizeOf(item);
    open.delete(node);
    sizes.set(node, n);
    return n;
  };
  let added = 0;
  let over: Node | undefined;
  // Walk the document as written (not into alias targets), adding each alias's expansion.
  visit(doc, {
    Alias(_key, node) {
      added += sizeOf(node) - 1;
      if (cyclic !== undefined || added > ALIAS_EXPANSION_BUDGET) {
        over = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (cyclic !== undefined) {
    diags.error(ErrorCode.YamlAliases, `the alias ${String(cyclic)} refers to a node that contains it`, at(src, over ?? cyclic), 'an alias must not point at one of its own parents');
    return false;
  }
  if (over !== undefined) {
    diags.error(ErrorCode.YamlAliases, `YAML aliases expand to more than ${ALIAS_EXPANSION_BUDGET} nodes (an alias bomb?)`, at(src, over), 'repeat less through aliases: write the repeated parts out, or share them as resources');
    return false;
  }
  return true;
}

// `*name` stands for the node anchored `&name`: put that node in its place,
// so checks see plain values and errors point at where the text is written.
function resolveAliases(doc: Document.Parsed): void {
  visit(doc, {
    Alias(_key, node) {
      const target = node.resolve(doc);
      return target ?? undefined;
    },
  });
}

// The parser reports an unclosed quote where the file ends; the opening quote is what needs fixing.
function unclosedQuote(doc: Document.Parsed, errorOffset: number): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const r = node.range;
      if (r && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && r[1] >= errorOffset) {
        found = r[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

// Likewise an unclosed [ or {: point at the innermost one still open where the error is.
function unclosedFlow(doc: Document.Parsed, errorOffset: number): number | undefined {
  let found: number | undefined;
  const check = (node: { flow?: boolean; range?: [number, number, number] | null }): void => {
    const r = node.range;
    if (node.flow && r && r[0] < errorOffset && r[1] >= errorOffset && (found === undefined || r[0] > found)) found = r[0];
  };
  visit(doc, { Map: (_k, node) => check(node), Seq: (_k, node) => check(node) });
  return found;
}

// The yaml package appends a code frame to some messages; keep the first line.
function yamlMessage(msg: string): string {
  return `invalid YAML: ${msg.split('\n')[0]}`;
}

function restOfLine(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  return text.slice(offset, end < 0 ? text.length : end);
}

// A compact "key: a: b" is a value that needs quotes; otherwise a nested key
// where a value was expected means a line is indented too far (or too little).
function implicitKeyHint(rest: string): string {
  return /:\s+\S/.test(rest) && !/^\s*-/.test(rest)
    ? 'a value that contains ": " must be quoted'
    : 'check the indentation: keys of one mapping start at the same column, and a nested block goes on its own line under its key';
}

function syntaxHint(code: string, rest: string): string {
  switch (code) {
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and that every [ { and quote is closed';
    case 'DUPLICATE_KEY':
      return 'a key may appear only once in a mapping; remove or merge the duplicate';
    case 'TAB_AS_INDENT':
      return 'YAML indentation must use spaces, not tabs';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return implicitKeyHint(rest);
    default:
      return 'fix the YAML syntax at this position';
  }
}
