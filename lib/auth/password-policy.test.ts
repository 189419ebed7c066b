import { describe, expect, it } from 'vitest';
import { commonPasswords, demoAdminPassword, passwordRefusal } from './password-policy';

describe('password rule', () => {
  it('ships the 1,000 most common passwords, most common first', () => {
    expect(commonPasswords).toHaveLength(1000);
    expect(commonPasswords.slice(0, 4)).toEqual(['123456', 'password', '12345678', 'qwerty']);
  });

  it.each([
    ['twelve spaces', ' '.repeat(12)],
    ['tabs and newlines', '\t\t\t\t\n\n\n\n\t\t\t\t'],
    ['non-breaking spaces', '\u00a0'.repeat(14)],
    ['a common password with digits', 'password1234'],
    ['capitals and a symbol do not help', 'Password2024!'],
    ['padding on both sides', '!!!dragon2024'],
    ['a numeric one, padded', '123456789012'],
    ['a common one repeated', 'qwertyqwerty'],
    ['six digits twice', '123456123456'],
    ['one letter', 'aaaaaaaaaaaa'],
    ['a short cycle', 'abcabcabcabc'],
    ['too short', 'short'],
  ])('refuses %s', (_name, password) => {
    expect(passwordRefusal(password)).toBeDefined();
  });

  it('refuses the demo password unless the simulated demo asks for it', () => {
    expect(passwordRefusal(demoAdminPassword)).toMatch(/demo/);
    expect(passwordRefusal(demoAdminPassword, { allowDemoPassword: true })).toBeUndefined();
  });

  it.each(['correct horse battery staple', 'e2e-viewer-password-long', 'a-long-password-for-admin', 'dragon-fruit-on-tuesday', 'Xk9#mQ2$vL7!pR4'])(
    'accepts %j',
    (password) => {
      expect(passwordRefusal(password)).toBeUndefined();
    },
  );
});
