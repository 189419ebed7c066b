import { describe, expect, it } from 'vitest';
import { describeOidcFailure } from './oidc-errors';

describe('describeOidcFailure', () => {
  it('prefers the innermost cause over the generic wrapper', () => {
    const inner = new Error('unexpected ID Token "nonce" claim value');
    expect(describeOidcFailure(new Error('unexpected JWT claim value encountered', { cause: inner }))).toBe('unexpected ID Token "nonce" claim value');
  });

  it('reports the OAuth error code and description a provider sent', () => {
    const err = Object.assign(new Error('server responded with an error'), { error: 'invalid_grant', error_description: 'code already used' });
    expect(describeOidcFailure(new Error('wrapped', { cause: err }))).toBe('invalid_grant: code already used');
  });

  it('caps what it returns and survives non-errors', () => {
    expect(describeOidcFailure(new Error('x'.repeat(1000))).length).toBe(300);
    expect(describeOidcFailure('a string')).toBe('unknown error');
  });
});
