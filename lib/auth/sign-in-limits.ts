// How many password checks sign-in allows, per 15-minute window. Every attempt is counted before its
// password is checked (see lib/auth/store/sign-in-throttle.ts), so parallel requests cannot exceed
// these. A lockout only ever affects the source that earned it: nobody can lock an account for its owner.
export const signInWindowMs = 15 * 60 * 1000;

export const signInLimits = {
  /** wrong passwords for one account from one source address */
  perAccountAndSource: 5,
  /** failed sign-ins from one source address, whatever the usernames (IPv6: per /64) */
  perSource: 20,
  /**
   * failed sign-ins for one account from addresses it never signed in from: past this (a guessing attack
   * spread over many addresses), only addresses the account signed in from before may still try
   */
  perAccountFromNewSources: 100,
} as const;

/** An address stays "known" to an account this long after its last successful sign-in from there. */
export const knownSourceTtlMs = 30 * 24 * 60 * 60 * 1000;
