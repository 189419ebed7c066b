// Go prints a syscall error with its own errno table (syscall/zerrors_linux_*.go), lower-case. The common
// liveness ones (ENETUNREACH, EPERM, ENODEV) come from lib/doublezerod's ERRNO_TEXT; these are the rest a
// UDP send can meet in the lab. Node gives the errno name.
const GO_ERRNO_TEXT: Record<string, string> = {
  ENETUNREACH: 'network is unreachable',
  EHOSTUNREACH: 'no route to host',
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  EINVAL: 'invalid argument',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ENOBUFS: 'no buffer space available',
  EMSGSIZE: 'message too long',
  ECONNREFUSED: 'connection refused',
  ENETDOWN: 'network is down',
  ENODEV: 'no such device',
};

export function goErrnoText(code: string | undefined): string {
  if (!code) return 'unknown error';
  return GO_ERRNO_TEXT[code] ?? code.toLowerCase();
}

export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
