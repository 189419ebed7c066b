import type { MetricSample } from './metrics';

// `doublezerod -version` prints `version: X` (client/doublezerod/cmd/doublezerod/main.go, every tag read);
// with metrics on, `doublezero_build_info{version,commit,date} 1` says the same.
const VERSION_LINE = /^version:\s*v?([0-9A-Za-z.+-]{1,64})\s*$/m;

/** The daemon's version from its `-version` output, or null when the text is not that. */
export function parseDaemonVersion(stdout: string): string | null {
  const m = VERSION_LINE.exec(String(stdout));
  return m ? m[1]! : null;
}

/** The version from `doublezero_build_info`, when the daemon's metrics were read. */
export function versionFromBuildInfo(samples: readonly MetricSample[]): string | null {
  const info = samples.find((s) => s.name === 'doublezero_build_info' && typeof s.labels.version === 'string' && s.labels.version !== '');
  return info ? info.labels.version!.replace(/^v/, '') : null;
}
