import { dictionary } from '@zxcvbn-ts/language-common';

// What a local account's password must not be. Server-side only (the list is ~400 kB; keep it out of
// client bundles: never import this from a component).
//
// The common-password list is the frequency-ranked `passwords-common` dictionary shipped in the npm
// package @zxcvbn-ts/language-common (MIT), the list zxcvbn uses, derived from Mark Burnett's
// 10 million password corpus, which he released into the public domain. No network at run time.
// Every one of its 1,000 most common entries is shorter than 12 characters, so the length rule already
// refuses them as typed; what it does not refuse is one of them padded to length or repeated
// ("password1234", "Dragon2024!", "qwertyqwerty", "123456789012"), and those are refused here.

export const minPasswordLength = 12;
export const maxPasswordLength = 1024;
export const commonPasswordCount = 1000;

/** The demo's first-admin password (scripts/demo.ts): accepted for the simulated demo only. */
export const demoAdminPassword = 'admin-demo-password';

export const commonPasswords: readonly string[] = dictionary['passwords-common'].slice(0, commonPasswordCount).map((p) => p.toLowerCase());
const common = new Set(commonPasswords);
/** digits, punctuation, spaces: what people add to a word to pass a length or "one symbol" rule */
const padding = /^[\d\p{P}\p{S}\s]*$/u;

/** The shortest unit the whole string repeats ("qwertyqwerty" → "qwerty"), or the string itself. */
function repeatedUnit(s: string): string {
  for (let len = 1; len <= s.length / 2; len++) {
    if (s.length % len === 0 && s.slice(0, len).repeat(s.length / len) === s) return s.slice(0, len);
  }
  return s;
}

function isCommonCore(lower: string): boolean {
  if (common.has(lower)) return true;
  const unit = repeatedUnit(lower);
  if (unit !== lower && (unit.length <= 3 || common.has(unit))) return true;
  const stripped = lower.replace(/^[\d\p{P}\p{S}\s]+/u, '').replace(/[\d\p{P}\p{S}\s]+$/u, '');
  if (stripped !== '' && common.has(stripped)) return true;
  // a numeric (or any) common password with only padding before or after it: "123456789012", "1234qwerty!!"
  return commonPasswords.some(
    (c) => (lower.startsWith(c) && padding.test(lower.slice(c.length))) || (lower.endsWith(c) && padding.test(lower.slice(0, -c.length))),
  );
}

/** Why `password` is refused, or undefined when it is acceptable. */
export function passwordRefusal(password: string, opts: { allowDemoPassword?: boolean } = {}): string | undefined {
  if (password.length < minPasswordLength) return `at least ${minPasswordLength} characters`;
  if (password.length > maxPasswordLength) return `at most ${maxPasswordLength} characters`;
  if (password.trim() === '') return 'more than spaces';
  if (password === demoAdminPassword && !opts.allowDemoPassword) return 'the demo password is only for the simulated demo';
  if (isCommonCore(password.toLowerCase()))
    return `too easy to guess: one of the ${commonPasswordCount.toLocaleString('en-US')} most common passwords, repeated or padded with digits or symbols`;
  return undefined;
}
