import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitHostPort } from './flags';

// The Prometheus listener of `-metrics-enable` (cmd/doublezerod/main.go): net.Listen("tcp", -metrics-addr),
// then promhttp on /metrics. The default `localhost:0` is a random port, so the address the daemon logs is the
// listener's real one ("prometheus metrics server started", "address": "127.0.0.1:PORT"). Loopback of the
// node's own network namespace unless the flag says otherwise.

/** Go resolves `localhost` to 127.0.0.1 first; an empty host listens on every address. */
function listenHost(host: string): string | undefined {
  if (host === 'localhost') return '127.0.0.1';
  return host === '' ? undefined : host;
}

/** listener.Addr().String(): `127.0.0.1:41234`, `[::]:2113` */
function goAddrString(a: AddressInfo): string {
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

export async function serveMetrics(metricsAddr: string, body: () => string): Promise<{ server: http.Server; address: string }> {
  const { host, port } = splitHostPort(metricsAddr);
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://localhost').pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8; escaping=underscores' });
    res.end(body());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, listenHost(host), () => resolve());
  });
  return { server, address: goAddrString(server.address() as AddressInfo) };
}
