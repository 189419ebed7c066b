import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// A loopback stand-in for the chat and paging services Alertmanager notifies (Slack incoming webhook,
// PagerDuty Events v2): records every POST body by path and answers 200, as they do.

export interface Captured {
  path: string;
  body: unknown;
}

export interface CaptureServer {
  origin: string;
  received: Captured[];
  close(): Promise<void>;
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const received: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      received.push({ path: req.url ?? '/', body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
