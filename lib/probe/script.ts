import { sectionNames, type SectionName } from '../bundle/types';
import { sectionCommands, type ProbeOptions } from './commands';
import { shellJoin } from './shell-quote';

// One SSH round trip runs every section. Each section becomes exactly one output line, either
//   FNH1 <name> <base64 stdout> <exit code> <base64 stderr>
// or, when the agent said which output it already holds and the node's is byte-for-byte the same,
//   FNH1 <name> =<sha256 hex of stdout> <exit code> <base64 stderr>
// (most sections — links, addresses, routes, rules, firewall — rarely change between polls, and a
// routing table can be megabytes). Node output is base64-encoded on the node, so it can never contain
// a space or newline and cannot forge a section boundary; `=` cannot start base64, so the two forms
// cannot be confused. `head -c` bounds what a node may send per section (sectionStdoutCap). A node without sha256sum
// always sends the content.
export const PROBE_MAGIC = 'FNH1';
export const SECTION_STDOUT_CAP = 8 * 1024 * 1024;
// A full-table BGP node has ~1,000,000 routes: ~140 MB of `ip -j route`. Only the routing table gets
// that much room; what the agent accepts from one poll in total is still bounded by its maxBytes.
export const ROUTE_TABLE_STDOUT_CAP = 256 * 1024 * 1024;

/** The stdout bytes a section may send; more is cut there and the section is marked truncated. */
export function sectionStdoutCap(name: SectionName): number {
  return name === 'ip-route' ? ROUTE_TABLE_STDOUT_CAP : SECTION_STDOUT_CAP;
}
export const SECTION_STDERR_CAP = 4096;
/** In the script, "no known hash": always send the content. */
export const NO_KNOWN_HASH = '-';
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export const PROBE_FUNCTION = [
  'fnh() {',
  '  n=$1; k=$2; shift 2',
  `  case $n in ip-route) c=${ROUTE_TABLE_STDOUT_CAP + 1};; *) c=${SECTION_STDOUT_CAP + 1};; esac`,
  `  { "$@" 2>"$T/e" </dev/null; echo $? >"$T/rc"; } | head -c "$c" >"$T/o"`,
  '  rc=$(cat "$T/rc" 2>/dev/null || echo 255)',
  '  h=',
  `  if [ "$k" != ${NO_KNOWN_HASH} ]; then h=$(sha256sum <"$T/o" 2>/dev/null); h=\${h%% *}; fi`,
  '  if [ -n "$h" ] && [ "$h" = "$k" ]; then',
  `    printf '${PROBE_MAGIC} %s =%s %s ' "$n" "$h" "$rc"`,
  '  else',
  `    printf '${PROBE_MAGIC} %s ' "$n"`,
  `    base64 <"$T/o" | tr -d '\\n'`,
  `    printf ' %s ' "$rc"`,
  '  fi',
  `  head -c ${SECTION_STDERR_CAP} "$T/e" | base64 | tr -d '\\n'`,
  "  printf '\\n'",
  '}',
].join('\n');

/** sha256 (hex) of the stdout the agent already holds, by section: the node then answers `=hash` if unchanged. */
export type KnownHashes = Partial<Record<SectionName, string>>;

export function buildProbeScript(opts: ProbeOptions, sections: readonly SectionName[] = sectionNames, known: KnownHashes = {}): string {
  const cmds = sectionCommands(opts);
  const hashOf = (s: SectionName): string => {
    const h = known[s];
    // Only hex reaches the script: the hashes are the agent's own, but the script is code.
    return h !== undefined && SHA256_HEX.test(h) ? h : NO_KNOWN_HASH;
  };
  const lines = [
    'export LC_ALL=C PATH="$PATH:/usr/sbin:/sbin"',
    'T=$(mktemp -d) || exit 97',
    'trap \'rm -rf "$T"\' EXIT',
    PROBE_FUNCTION,
    ...sections.map((s) => `fnh ${s} ${hashOf(s)} ${shellJoin(cmds[s])}`),
  ];
  return lines.join('\n') + '\n';
}

/** The command string sent over SSH exec: the script run by a POSIX shell, whatever the login shell is. */
export function buildProbeCommand(opts: ProbeOptions, sections?: readonly SectionName[], known?: KnownHashes): string {
  return `sh -c ${shellJoin([buildProbeScript(opts, sections, known)])}`;
}
