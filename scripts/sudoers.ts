// npm run sudoers [-- --user fnh] [--path ip=/sbin/ip ...] [--noexec]
// Prints the least-privilege sudoers file for the monitoring user, derived from the action catalog and
// the collection probe. Check it with `visudo -cf <file>` before installing it in /etc/sudoers.d/.
import { parseArgs } from 'node:util';
import { actionCatalog } from '../lib/remediation/catalog';
import { renderSudoers } from '../lib/remediation/sudoers';
import type { ActionDefinition } from '../lib/remediation/types';
import { sectionCommands } from '../lib/probe/commands';
import { errorMessage } from '../lib/errors';

const { values } = parseArgs({
  options: { user: { type: 'string', default: 'fnh' }, path: { type: 'string', multiple: true, default: [] }, noexec: { type: 'boolean', default: false } },
});
const binaryPaths: Record<string, string> = {};
for (const p of values.path) {
  const eq = p.indexOf('=');
  if (eq <= 0) {
    console.error(`--path wants name=/absolute/path, got ${p}`);
    process.exit(2);
  }
  binaryPaths[p.slice(0, eq)] = p.slice(eq + 1);
}
try {
  process.stdout.write(
    renderSudoers({
      user: values.user,
      actions: actionCatalog as readonly ActionDefinition[],
      probeCommands: Object.values(sectionCommands({ journalSince: 0 })),
      binaryPaths,
      noexec: values.noexec,
    }),
  );
} catch (err) {
  console.error(errorMessage(err));
  process.exit(2);
}
