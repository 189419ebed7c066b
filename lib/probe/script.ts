import { sectionNames, type SectionName } from '../bundle/types';
import { sectionCommands, type ProbeOptions } from './commands';
import { shellJoin } from './shell-quote';

// One SSH round trip runs every section. Each section becomes exactly one output line:
//   FNH1 <name> <base64 stdout> <exit code> <base64 stderr>
// Node output is base64-encoded on the node, so it can never contain a space or newline and
// cannot forge a section boundary. `head -c` bounds what a node may send per section.
export const PROBE_MAGIC = 'FNH1';
export const SECTION_STDOUT_CAP = 8 * 1024 * 1024;
export const SECTION_STDERR_CAP = 4096;

export const PROBE_FUNCTION = [
  'fnh() {',
  '  n=$1; shift',
  `  printf '${PROBE_MAGIC} %s ' "$n"`,
  `  { "$@" 2>"$T/e" </dev/null; echo $? >"$T/rc"; } | head -c ${SECTION_STDOUT_CAP + 1} | base64 | tr -d '\\n'`,
  `  printf ' %s ' "$(cat "$T/rc" 2>/dev/null || echo 255)"`,
  `  head -c ${SECTION_STDERR_CAP} "$T/e" | base64 | tr -d '\\n'`,
  "  printf '\\n'",
  '}',
].join('\n');

export function buildProbeScript(opts: ProbeOptions, sections: readonly SectionName[] = sectionNames): string {
  const cmds = sectionCommands(opts);
  const lines = [
    'export LC_ALL=C PATH="$PATH:/usr/sbin:/sbin"',
    'T=$(mktemp -d) || exit 97',
    "trap 'rm -rf \"$T\"' EXIT",
    PROBE_FUNCTION,
    ...sections.map((s) => `fnh ${s} ${shellJoin(cmds[s])}`),
  ];
  return lines.join('\n') + '\n';
}

/** The command string sent over SSH exec: the script run by a POSIX shell, whatever the login shell is. */
export function buildProbeCommand(opts: ProbeOptions, sections?: readonly SectionName[]): string {
  return `sh -c ${shellJoin([buildProbeScript(opts, sections)])}`;
}
