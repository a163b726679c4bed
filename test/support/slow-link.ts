import net from 'node:net';

/**
 * A TCP hop that holds every chunk a client sends for `delayMs` before passing it on, in order: a
 * database that answers each statement late, as a busy server does. Returns the port it listens on.
 */
export async function slowLink(target: { host: string; port: number }, delayMs: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let last = Promise.resolve();
    client.on('data', (chunk) => {
      last = last.then(() => new Promise((resolve) => setTimeout(resolve, delayMs))).then(() => {
        upstream.write(chunk);
      });
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
