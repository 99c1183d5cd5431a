import type { LogEvent } from './log-events';

/**
 * A small evaluator for the subset of CloudWatch Logs Insights syntax that the saved queries in
 * governance/queries use, so the same text answers on the local stage's logs and in AWS:
 *   fields a, b [as c] | filter <cond> | stats count(*)|count(f)|avg(f)|sum(f)|min(f)|max(f)|pct(f, n) [as x], …
 *   [by f [as y] | bin(1d) [as y], …] | sort x [asc|desc], … | limit n
 * Conditions: =, !=, <, <=, >, >= between a field and a string or number literal, ispresent(f), and/or/not,
 * parentheses; `#` comments. Anything else is refused with the position it was found at, never silently ignored.
 */

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

type Token = { kind: 'word' | 'string' | 'number' | 'op'; text: string; at: number };

const TOKEN = /\s*(?:(#[^\n]*)|(\d+(?:\.\d+)?[smhdw]?)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([@\w.]+)|(!=|<=|>=|[=<>(),*|]))/y;

export class QuerySyntaxError extends Error {}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < query.length) {
    if (/^\s*$/.test(query.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(query);
    if (!match) throw new QuerySyntaxError(`Unexpected character at ${at}: '${query.slice(at, at + 10)}'`);
    const [, comment, number, string, word, op] = match;
    if (comment !== undefined) continue;
    if (number !== undefined) tokens.push({ kind: /^\d+(\.\d+)?$/.test(number) ? 'number' : 'word', text: number, at });
    else if (string !== undefined) tokens.push({ kind: 'string', text: JSON.parse(`"${string.slice(1, -1)}"`) as string, at });
    else if (word !== undefined) tokens.push({ kind: 'word', text: word, at });
    else tokens.push({ kind: 'op', text: op!, at });
  }
  return tokens;
}

/** A row is read by name: an event's field path before `stats`, a result column after it. */
type Row = (name: string) => unknown;

function eventRow(event: LogEvent): Row {
  return (name) => {
    if (name === '@timestamp' || name === '@message' || name === '@log') return event[name];
    let value: unknown = event.fields;
    for (const part of name.split('.')) {
      if (typeof value !== 'object' || value === null) return undefined;
      value = (value as Record<string, unknown>)[part];
    }
    return value;
  };
}

class Parser {
  #i = 0;
  constructor(readonly tokens: Token[]) {}
  peek(offset = 0) {
    return this.tokens[this.#i + offset];
  }
  done() {
    return this.#i >= this.tokens.length;
  }
  next(): Token {
    const token = this.tokens[this.#i++];
    if (!token) throw new QuerySyntaxError('Unexpected end of query');
    return token;
  }
  accept(text: string): boolean {
    if (this.peek()?.text.toLowerCase() === text) {
      this.#i += 1;
      return true;
    }
    return false;
  }
  expect(text: string) {
    const token = this.next();
    if (token.text.toLowerCase() !== text) throw new QuerySyntaxError(`Expected '${text}' at ${token.at}, found '${token.text}'`);
  }
  field(): string {
    const token = this.next();
    if (token.kind !== 'word') throw new QuerySyntaxError(`Expected a field name at ${token.at}, found '${token.text}'`);
    return token.text;
  }
}

type Condition = (row: Row) => boolean;
const COMPARE: Record<string, (a: number | string, b: number | string) => boolean> = {
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function parseCondition(p: Parser): Condition {
  const or: Condition[] = [parseConjunction(p)];
  while (p.accept('or')) or.push(parseConjunction(p));
  return (row) => or.some((c) => c(row));
}

function parseConjunction(p: Parser): Condition {
  const and: Condition[] = [parseComparison(p)];
  while (p.accept('and')) and.push(parseComparison(p));
  return (row) => and.every((c) => c(row));
}

function parseComparison(p: Parser): Condition {
  if (p.accept('not')) {
    const inner = parseComparison(p);
    return (row) => !inner(row);
  }
  if (p.accept('(')) {
    const inner = parseCondition(p);
    p.expect(')');
    return inner;
  }
  if (p.peek()?.text.toLowerCase() === 'ispresent') {
    p.next();
    p.expect('(');
    const field = p.field();
    p.expect(')');
    return (row) => row(field) !== undefined && row(field) !== null;
  }
  const field = p.field();
  const op = p.next();
  const compare = COMPARE[op.text];
  if (op.kind !== 'op' || !compare) throw new QuerySyntaxError(`Expected a comparison at ${op.at}, found '${op.text}'`);
  const literal = p.next();
  if (literal.kind !== 'string' && literal.kind !== 'number') {
    throw new QuerySyntaxError(`Expected a string or number at ${literal.at}, found '${literal.text}'`);
  }
  const expected = literal.kind === 'number' ? Number(literal.text) : literal.text;
  return (row) => {
    const value = row(field);
    return (
      (typeof value === 'string' || typeof value === 'number') && typeof value === typeof expected && compare(value, expected)
    );
  };
}

const PERIOD_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86_400e3, w: 604_800e3 };

type Aggregate = { column: string; fn: string; field?: string; percentile?: number };
type Group = { column: string; key: (row: Row) => unknown; isTime: boolean };

function numbers(rows: Row[], field: string): number[] {
  return rows.map((row) => row(field)).filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
}

function aggregate(agg: Aggregate, rows: Row[]): unknown {
  if (agg.fn === 'count') return agg.field ? rows.filter((row) => row(agg.field!) !== undefined).length : rows.length;
  const values = numbers(rows, agg.field!);
  if (values.length === 0) return undefined;
  switch (agg.fn) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    default: {
      // Nearest rank: the smallest value with at least pct % of the values at or below it.
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.max(0, Math.ceil((agg.percentile! / 100) * sorted.length) - 1)];
    }
  }
}

function parseStats(p: Parser): { aggregates: Aggregate[]; groups: Group[]; timeColumns: string[] } {
  const aggregates: Aggregate[] = [];
  do {
    const fn = p.next().text.toLowerCase();
    if (!['count', 'sum', 'avg', 'min', 'max', 'pct'].includes(fn))
      throw new QuerySyntaxError(`Unsupported stats function '${fn}'`);
    p.expect('(');
    let field: string | undefined;
    let percentile: number | undefined;
    if (!(fn === 'count' && p.accept('*'))) field = p.field();
    if (fn === 'pct') {
      p.expect(',');
      percentile = Number(p.next().text);
    }
    p.expect(')');
    const text = fn === 'pct' ? `pct(${field}, ${percentile})` : `${fn}(${field ?? '*'})`;
    aggregates.push({ column: p.accept('as') ? p.field() : text, fn, field, percentile });
  } while (p.accept(','));
  const groups: Group[] = [];
  if (p.accept('by')) {
    do {
      if (p.peek()?.text.toLowerCase() === 'bin' && p.peek(1)?.text === '(') {
        p.next();
        p.expect('(');
        const period = p.next().text;
        p.expect(')');
        const unit = PERIOD_MS[period.slice(-1)];
        const size = Number(period.slice(0, -1)) * (unit ?? Number.NaN);
        if (!Number.isFinite(size) || size <= 0) throw new QuerySyntaxError(`Unsupported bin period '${period}'`);
        const column = p.accept('as') ? p.field() : `bin(${period})`;
        groups.push({ column, key: (row) => Math.floor(Number(row('@timestamp')) / size) * size, isTime: true });
      } else {
        const field = p.field();
        groups.push({ column: p.accept('as') ? p.field() : field, key: (row) => row(field), isTime: field === '@timestamp' });
      }
    } while (p.accept(','));
  }
  const timeColumns = [
    ...groups.filter((g) => g.isTime).map((g) => g.column),
    ...aggregates.filter((a) => a.field === '@timestamp' && (a.fn === 'min' || a.fn === 'max')).map((a) => a.column),
  ];
  return { aggregates, groups, timeColumns };
}

const compareValues = (a: unknown, b: unknown) => {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
};

/** A saved query's first comment line: what it answers. */
export const queryDescription = (query: string) => /^#\s*(.+)$/m.exec(query)?.[1]?.trim() ?? '';

/** Runs a query over log events and returns the table Logs Insights would show (timestamps as ISO strings). */
export function runInsightsQuery(query: string, events: LogEvent[]): QueryResult {
  const commands: Token[][] = [[]];
  for (const token of tokenize(query)) {
    if (token.kind === 'op' && token.text === '|') commands.push([]);
    else commands.at(-1)!.push(token);
  }
  let rows: Row[] = events.map(eventRow);
  let columns: string[] = ['@timestamp', '@message'];
  const timeColumns = new Set(['@timestamp']);
  for (const command of commands) {
    const p = new Parser(command);
    const verb = p.next().text.toLowerCase();
    if (verb === 'fields') {
      const picked: Array<{ column: string; field: string }> = [];
      do {
        const field = p.field();
        picked.push({ field, column: p.accept('as') ? p.field() : field });
      } while (p.accept(','));
      const renamed = new Map(picked.map(({ column, field }) => [column, field]));
      rows = rows.map((row) => (name) => row(renamed.get(name) ?? name));
      columns = picked.map((pick) => pick.column);
    } else if (verb === 'filter') {
      const condition = parseCondition(p);
      rows = rows.filter(condition);
    } else if (verb === 'stats') {
      const stats = parseStats(p);
      const buckets = new Map<string, { keys: unknown[]; rows: Row[] }>();
      for (const row of rows) {
        const keys = stats.groups.map((group) => group.key(row));
        const id = JSON.stringify(keys);
        const bucket = buckets.get(id) ?? { keys, rows: [] };
        bucket.rows.push(row);
        buckets.set(id, bucket);
      }
      rows = [...buckets.values()].map(({ keys, rows: members }) => {
        const out = new Map<string, unknown>(stats.groups.map((group, k) => [group.column, keys[k]]));
        for (const agg of stats.aggregates) out.set(agg.column, aggregate(agg, members));
        return (name: string) => out.get(name);
      });
      columns = [...stats.groups.map((g) => g.column), ...stats.aggregates.map((a) => a.column)];
      stats.timeColumns.forEach((column) => timeColumns.add(column));
    } else if (verb === 'sort') {
      const keys: Array<{ field: string; sign: number }> = [];
      do {
        const field = p.field();
        keys.push({ field, sign: p.accept('desc') ? -1 : (p.accept('asc'), 1) });
      } while (p.accept(','));
      rows = [...rows].sort((a, b) => {
        for (const key of keys) {
          const order = compareValues(a(key.field), b(key.field)) * key.sign;
          if (order !== 0) return order;
        }
        return 0;
      });
    } else if (verb === 'limit') {
      const count = p.next();
      if (count.kind !== 'number') throw new QuerySyntaxError(`Expected a number after limit at ${count.at}`);
      rows = rows.slice(0, Number(count.text));
    } else {
      throw new QuerySyntaxError(`Unsupported command '${verb}'`);
    }
    if (!p.done()) throw new QuerySyntaxError(`Unexpected '${p.peek()!.text}' at ${p.peek()!.at} in ${verb}`);
  }
  return {
    columns,
    rows: rows.map((row) =>
      Object.fromEntries(
        columns.map((column) => {
          const value = row(column);
          return [column, timeColumns.has(column) && typeof value === 'number' ? new Date(value).toISOString() : value];
        }),
      ),
    ),
  };
}
