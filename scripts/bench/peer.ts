/**
 * Vigie's HTTP predict beside the peer a user would write (peer-server.ts), in the same run on the same inputs:
 * latency one request at a time, the two taking turns request by request (so both see the same moments of a
 * shared machine's load), then throughput with IN_FLIGHT requests outstanding at all times, each in turn, twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { timeInterleaved, type Run } from './measure';
import { inFlight, postPredict } from './predict-loop';

export const IN_FLIGHT = 8;

export interface Peer {
  url: string;
  stop(): Promise<void>;
}

/** Starts peer-server.ts in its own process; resolves once it listens. */
export async function startPeer(env: NodeJS.ProcessEnv, port: number, table: string): Promise<Peer> {
  const child: ChildProcess = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/bench/peer-server.ts'], {
    env: { ...env, PEER_PORT: String(port), PEER_TABLE: table },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  await Promise.race([
    new Promise<void>((resolve) => lines.on('line', (line) => line === 'peer ready' && resolve())),
    once(child, 'exit').then(() => Promise.reject(new Error('the peer server exited before it listened'))),
  ]);
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

type Post = (i: number) => Promise<void>;

/** A POST of input i to `base`'s predict route, failing on anything but 200. */
export function predictPost(
  base: string,
  model: string,
  inputs: Buffer[],
  headers: Record<string, string> = {},
  query = '',
): Post {
  return async (i) => {
    const { status, text } = await postPredict(base, model, inputs[i % inputs.length]!, headers, query);
    if (status !== 200) throw new Error(`HTTP ${status} from ${base}: ${text.slice(0, 300)}`);
  };
}

/** Requests per second with `inFlight` requests outstanding until `count` have been answered. */
async function throughputAt(post: Post, count: number): Promise<number> {
  return count / (await inFlight(count, IN_FLIGHT, post));
}

/**
 * Both paths' latency (interleaved) and throughput at IN_FLIGHT: a warm-up burst each (serverless-offline starts a
 * worker per concurrent request, each loading the model), then vigie, peer, vigie, peer; each keeps its best burst.
 */
export async function measureBesidePeer(
  vigie: Post,
  peer: Post,
  count: number,
  warmUp: number,
): Promise<{ vigie: Run; peer: Run }> {
  const runs = await timeInterleaved(count, warmUp, { vigie, peer });
  await throughputAt(vigie, 2 * IN_FLIGHT);
  await throughputAt(peer, 2 * IN_FLIGHT);
  const best = { vigie: 0, peer: 0 };
  for (let round = 0; round < 2; round += 1) {
    best.vigie = Math.max(best.vigie, await throughputAt(vigie, count));
    best.peer = Math.max(best.peer, await throughputAt(peer, count));
  }
  return {
    vigie: { ...runs.vigie, throughputPerSecond: best.vigie },
    peer: { ...runs.peer, throughputPerSecond: best.peer },
  };
}
