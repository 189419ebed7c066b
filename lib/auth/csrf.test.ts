import { describe, expect, it } from 'vitest';
import { csrfRefusal } from './csrf';

const self = 'http://127.0.0.1:3100';
const isOwnOrigin = (o: string) => o === self;

describe('CSRF check on mutating requests', () => {
  it('lets reads through without headers', () => {
    expect(csrfRefusal({ method: 'GET', isOwnOrigin, origin: null, secFetchSite: null })).toBeUndefined();
  });
  it('accepts same-origin browser requests', () => {
    expect(csrfRefusal({ method: 'POST', isOwnOrigin, origin: self, secFetchSite: 'same-origin' })).toBeUndefined();
    expect(csrfRefusal({ method: 'POST', isOwnOrigin, origin: self, secFetchSite: null })).toBeUndefined();
  });
  it('refuses cross-site and same-site-but-other-origin requests', () => {
    expect(csrfRefusal({ method: 'POST', isOwnOrigin, origin: 'https://evil.example', secFetchSite: 'cross-site' })).toBeDefined();
    expect(csrfRefusal({ method: 'POST', isOwnOrigin, origin: 'http://127.0.0.1:9999', secFetchSite: 'same-site' })).toBeDefined();
    expect(csrfRefusal({ method: 'DELETE', isOwnOrigin, origin: 'https://evil.example', secFetchSite: null })).toBeDefined();
  });
  it('refuses a page on a rebound name: the browser calls it same-origin, but the Origin is not ours', () => {
    expect(csrfRefusal({ method: 'POST', isOwnOrigin, origin: 'http://rebind.attacker.example:3100', secFetchSite: 'same-origin' })).toMatch(/Origin/);
  });
  it('refuses a mutating request that carries neither header', () => {
    expect(csrfRefusal({ method: 'POST', isOwnOrigin, origin: null, secFetchSite: null })).toMatch(/neither/);
  });
  it('refuses Origin: null (sandboxed frames, redirects)', () => {
    expect(csrfRefusal({ method: 'POST', isOwnOrigin, origin: 'null', secFetchSite: null })).toBeDefined();
  });
});
