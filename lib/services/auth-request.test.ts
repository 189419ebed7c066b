import { afterEach, describe, expect, it } from 'vitest';
import { publicOrigin } from './auth-request';

describe('publicOrigin', () => {
  afterEach(() => {
    delete process.env.FNH_PUBLIC_ORIGIN;
  });

  it('builds links on the host the request came to, not on the server\'s own idea of it', () => {
    const req = new Request('http://localhost:3000/api/alerts/alertmanager', { headers: { host: '127.0.0.1:3000' } });
    expect(publicOrigin(req)).toBe('http://127.0.0.1:3000');
  });

  it('prefers the configured public origin (first of a list, no trailing slash)', () => {
    process.env.FNH_PUBLIC_ORIGIN = 'https://noc.example/, https://other.example';
    expect(publicOrigin(new Request('http://localhost:3000/x', { headers: { host: 'internal:3000' } }))).toBe('https://noc.example');
  });
});
