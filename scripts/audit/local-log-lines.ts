import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLines } from '../../functions/monitoring/report/audit-trail';

/**
 * The local stage's function logs (.local/logs/<function>.log) as the report reads their CloudWatch log groups: the structured lines
 * of the month, and every line without a time (a stray console.log), which the identifier scan must see too.
 */
export function localLogLines(folder: string): LogLines {
  return async function* (month) {
    if (!existsSync(folder)) return;
    for (const file of readdirSync(folder)
      .filter((name) => name.endsWith('.log'))
      .sort()) {
      const lines = readFileSync(join(folder, file), 'utf8').split('\n');
      for (const [i, line] of lines.entries()) {
        if (line === '') continue;
        const at = /"timestamp":"([^"]+)"/.exec(line)?.[1];
        if (at !== undefined && (at < month.from || at > month.to)) continue;
        yield { line, where: `${file}:${i + 1}` };
      }
    }
  };
}
