import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  /** Header names lower-cased; a repeated header keeps its last value (enough for what the tests read). */
  headers: Record<string, string>;
  body: string;
}

function dechunk(payload: Buffer): Buffer {
  const parts: Buffer[] = [];
  let rest = payload;
  for (;;) {
    const end = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.subarray(0, end).toString('latin1'), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(rest.subarray(end + 2, end + 2 + size));
    rest = rest.subarray(end + 2 + size + 2);
  }
}

function parseAnswer(raw: Buffer): RawAnswer {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, split < 0 ? raw.length : split).toString('latin1');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const payload = split < 0 ? Buffer.alloc(0) : raw.subarray(split + 4);
  const body = headers['transfer-encoding'] === 'chunked' ? dechunk(payload) : payload;
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') };
}

/**
 * One HTTP/1.1 request written byte for byte on a fresh socket: what fetch will not send (the same header twice,
 * in two spellings, a path with raw percent sequences kept as they are) reaches the server exactly as given.
 */
export function rawHttp(
  base: string,
  request: { method: string; path: string; headers: Array<[string, string]>; body?: Buffer },
): Promise<RawAnswer> {
  const url = new URL(base);
  const body = request.body ?? Buffer.alloc(0);
  const head = [
    `${request.method} ${request.path} HTTP/1.1`,
    `host: ${url.host}`,
    'connection: close',
    `content-length: ${body.length}`,
    ...request.headers.map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    // `connection: close`: the server ends the exchange. The client must not half-close first: Node's HTTP server
    // drops a half-closed connection without answering.
    socket.on('end', () => {
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(chunks)));
    });
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}
