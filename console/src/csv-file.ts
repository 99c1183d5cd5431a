/**
 * A CSV the person picked, as text: UTF-8 when its bytes are UTF-8, else Windows-1252 (French Excel's
 * « CSV (séparateur : point-virgule) »). The console sends that text as UTF-8, so an accented header reaches the
 * API intact whatever the file was written in (a Windows-1252 body sent as is would not survive being handed to
 * the function as UTF-8 text).
 */
export async function readCsvText(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/**
 * The column names, to offer the target: the first line split on the most frequent of `;`, `,` and tab. The server
 * reads the file again with its own parser; this only fills a list.
 */
export function csvColumns(text: string): string[] {
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const separator = [';', ',', '\t'].reduce((best, candidate) =>
    line.split(candidate).length > line.split(best).length ? candidate : best,
  );
  return line
    .split(separator)
    .map((name) => name.trim().replace(/^"(.*)"$/, '$1'))
    .filter((name) => name !== '');
}
