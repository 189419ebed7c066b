// Diagnoses a capture bundle folder offline and prints the verdicts as JSON.
//   npm run --silent diagnose -- <bundle-folder> [--window-minutes N]
// Exit 0 with JSON on stdout; 2 with a message on stderr when the bundle (or the usage) is malformed.
import { BundleFolderError, loadBundleFolder } from '../lib/bundle/folder';
import { diagnose } from '../lib/diagnosis/diagnose';
import { normalizeBundle } from '../lib/model/normalize';
import { errorMessage } from '../lib/errors';

const USAGE = 'usage: diagnose <bundle-folder> [--window-minutes N]';

function parseArgs(argv: string[]): { folder: string; windowMs?: number } {
  const rest = argv.filter((a) => a !== '--');
  let folder: string | undefined;
  let windowMs: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--window-minutes') {
      const minutes = Number(rest[++i]);
      if (!Number.isFinite(minutes) || minutes <= 0) throw new UsageError('--window-minutes needs a positive number');
      windowMs = minutes * 60_000;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (folder === undefined) {
      folder = arg;
    } else {
      throw new UsageError('one bundle folder only');
    }
  }
  if (!folder) throw new UsageError('missing bundle folder');
  return windowMs === undefined ? { folder } : { folder, windowMs };
}

class UsageError extends Error {}

async function main(): Promise<number> {
  try {
    const args = parseArgs(process.argv.slice(2));
    const bundle = await loadBundleFolder(args.folder);
    const state = normalizeBundle(bundle);
    const result = diagnose(state, args.windowMs === undefined ? {} : { windowMs: args.windowMs });
    const output = {
      node: result.node,
      collectedAt: result.collectedAt,
      worst: result.worst,
      doublezero0: result.doublezero0,
      ...(result.nodeUnknown ? { nodeUnknown: result.nodeUnknown } : {}),
      peers: result.peers.map((p) => ({
        peer: p.peer,
        interface: p.interface,
        localIP: p.localIP,
        verdict: p.verdict,
        warnings: p.warnings,
        lastWarningAt: p.lastWarningAt,
        since: p.since,
        evidence: p.evidence,
        details: p.details,
      })),
      // node-level: a stale local IP (with K), tunnels, the daemon not running; `worst` covers them too
      findings: result.findings,
      tunnels: result.tunnels,
      daemon: result.daemon,
      knownIssues: result.knownIssues,
      // every section and how it was read: a missing or unreadable optional section is named, never fatal
      sections: state.sections,
      ...(state.issues.length ? { issues: state.issues } : {}),
    };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`diagnose: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof BundleFolderError) {
      process.stderr.write(`diagnose: malformed bundle: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`diagnose: ${errorMessage(err)}\n`);
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
