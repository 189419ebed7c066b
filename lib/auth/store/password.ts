import 'server-only';
import { hash, verify } from '@node-rs/argon2';

// argon2id (the library default) with 19 MiB and 2 passes: the OWASP baseline for interactive sign-in.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

// A fixed hash to verify against when the user does not exist, so an unknown name costs the same time
// as a wrong password and does not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hash('fnh-no-such-user-placeholder', options);
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
