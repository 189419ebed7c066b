// Test helper: real command outputs captured from a scratch network namespace on a Debian host
// (iproute2 6.1, nftables 1.0.6), see lib/parse/testdata/README.md.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function testdata(name: string): string {
  return readFileSync(path.join(__dirname, 'testdata', name), 'utf8');
}
