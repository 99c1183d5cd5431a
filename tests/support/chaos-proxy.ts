import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on loopback that can be told to fail: while failing, it cuts every open connection and every new
 * one. Put between a function and a service (S3, DynamoDB, the Lambda API), it makes that service unreachable
 * for a while, as a network partition or an outage would, without any test hook in the code under test.
 */
export interface ChaosProxy {
  port: number;
  fail(failing: boolean): void;
  /** Resolves when it next cuts a new connection while failing: the moment a caller meets the outage. */
  nextRefusal(): Promise<void>;
  close(): Promise<void>;
}

export async function startChaosProxy(targetPort: number): Promise<ChaosProxy> {
  let failing = false;
  let refusalWaiters: Array<() => void> = [];
  const open = new Set<Socket>();
  const server = createServer((client) => {
    if (failing) {
      client.destroy();
      for (const notify of refusalWaiters) notify();
      refusalWaiters = [];
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    fail(value) {
      failing = value;
      if (failing) for (const socket of open) socket.destroy();
    },
    nextRefusal: () => new Promise<void>((resolve) => refusalWaiters.push(resolve)),
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
