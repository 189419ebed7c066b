// Go prints syscall errors with the C library's strerror text, lower-case; the seed's warning ends in
// "sendmsg: network is unreachable". Node gives us the errno name, so map the ones a UDP send can meet.
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
};

export function goErrnoText(code: string | undefined): string {
  if (!code) return 'unknown error';
  return GO_ERRNO_TEXT[code] ?? code.toLowerCase();
}

export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
