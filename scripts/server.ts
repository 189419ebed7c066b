// The dashboard's HTTP server: Next.js behind a plain node:http listener (a Next.js custom server),
// `node --import tsx scripts/server.ts [--port P] [--host H] [--dev]` (`npm run serve`; `npm start` and
// `npm run demo` start it). It exists for two facts only the listening socket knows:
// - who is asking: each request gets `x-fnh-client-address` from the socket (or from the
//   X-Forwarded-For entry a proxy in FNH_TRUSTED_PROXIES appended), replacing whatever the client sent.
//   Next.js alone keeps a client's own X-Forwarded-For, which would let anyone pick a fresh address per
//   sign-in attempt and never meet a per-address limit.
// - where it listens: the Host check (lib/auth/origin-policy.ts) accepts that address, its loopback
//   names or its interface addresses, besides FNH_PUBLIC_ORIGIN.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { clientAddress, clientAddressHeader, clientAddressHeaderIsTrusted, parseTrustedProxies } from '../lib/auth/client-address';
import { listenAddressKey, parsePublicOrigins, type ListenAddress } from '../lib/auth/origin-policy';
import { onShutdown } from '../lib/shutdown';
import { errorMessage } from '../lib/errors';
import { foregroundActivity, isForegroundRequest } from '../lib/foreground-activity';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    port: { type: 'string', short: 'p', default: process.env.PORT ?? '3000' },
    host: { type: 'string', short: 'H', default: process.env.HOST ?? '127.0.0.1' },
    dev: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: ${args.port} is not a port number`);
let trustedProxies: ReturnType<typeof parseTrustedProxies>;
try {
  trustedProxies = parseTrustedProxies(process.env.FNH_TRUSTED_PROXIES);
} catch (err) {
  fail(errorMessage(err));
}
const publicOrigins = parsePublicOrigins(process.env.FNH_PUBLIC_ORIGIN);
if (publicOrigins.invalid.length > 0) fail(`FNH_PUBLIC_ORIGIN: not an http(s) origin: ${publicOrigins.invalid.join(', ')}`);

// Next.js reads NODE_ENV while loading; `next start` and `next dev` set it the same way.
Object.assign(process.env, { NODE_ENV: args.dev ? 'development' : 'production' });
const { default: next } = await import('next');
const app = next({ dev: args.dev, dir: root, hostname: args.host, port });

function stampClientAddress(req: IncomingMessage): void {
  const forwarded = req.headers['x-forwarded-for'];
  req.headers[clientAddressHeader] =
    clientAddress({ socketAddress: req.socket.remoteAddress, forwardedFor: Array.isArray(forwarded) ? forwarded.join(',') : forwarded, trustedProxies }) ?? '';
}

await app.prepare();
const handle = app.getRequestHandler();
const upgrade = app.getUpgradeHandler();
(globalThis as Record<symbol, unknown>)[clientAddressHeaderIsTrusted] = true;

const server = createServer((req, res) => {
  // A client that hangs up before its request body is read (a refused request's body is never read) is
  // not a server error: without a listener Node would raise it as an uncaught exception.
  req.on('error', () => undefined);
  stampClientAddress(req);
  // the embedded agent steps aside while someone waits for this (lib/foreground-activity.ts)
  if (isForegroundRequest(req.method, req.url)) res.once('close', foregroundActivity.begin());
  void handle(req, res);
});
server.on('upgrade', (req: IncomingMessage, socket, head) => {
  stampClientAddress(req);
  void upgrade(req, socket, head);
});
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, args.host, resolve);
});
const bound = server.address() as AddressInfo;
const listen: ListenAddress = { host: bound.address, port: bound.port };
(globalThis as Record<symbol, unknown>)[listenAddressKey] = listen;
process.env.PORT = String(bound.port);
console.log(`listening on http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}${args.dev ? ' (dev)' : ''}`);

// Registered last, so it runs first: stop taking requests, then the agent stops and the store closes
// (their hooks), then the process exits. Open event streams would keep server.close() waiting forever.
onShutdown(() => {
  server.close();
  server.closeIdleConnections();
});
