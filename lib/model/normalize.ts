import type { Bundle, RawSection, SectionName } from '../bundle/types';
import { requiredSections } from '../bundle/types';
import { parseJournalDetailed, type JournalParseResult } from '../parse/journal';
import { versionFromBuildInfo } from '../parse/daemon-version';
import type { NodeState, SectionIssue, SectionStatus } from './node-state';
import { METRICS_OFF_EXIT } from '../probe/commands';
import type { NormalizeCache } from './normalize-cache';
import { sectionNormalizers, type CachedSectionName, type NormalizedSection, type SectionValues } from './section-normalizers';

/** A journal already parsed by the poller (it stores the events), with what it was parsed from. */
export interface ParsedJournal {
  /** the journal section's stdout the result was read from */
  text: string;
  referenceYear: number;
  result: JournalParseResult;
}

export interface NormalizeOptions {
  /** reused instead of parsing the journal again when it was read from this bundle's text and year */
  journal?: ParsedJournal;
  /** reuses the normalized form of sections whose output did not change since the node's last poll */
  cache?: NormalizeCache;
}

/** The reference year syslog-form journal lines are dated with: the collection's. */
export function journalReferenceYear(collectedAt: string): number {
  return new Date(collectedAt).getUTCFullYear();
}

/**
 * Parses every section of a bundle into the normalized node state. Never throws: a missing or
 * failed section leaves its part empty (or null when "unknown" must differ from "none") and is listed
 * in `sections` and `issues`. With a cache, the result is deep-equal to the uncached one; parts of it
 * may be shared with earlier results (treat it as read-only).
 */
export function normalizeBundle(bundle: Bundle, opts: NormalizeOptions = {}): NodeState {
  const issues: SectionIssue[] = [];
  const sections: NodeState['sections'] = {};
  const node = bundle.meta.node;

  const usable = (name: SectionName): RawSection | undefined => {
    const section = bundle.sections[name];
    const status = sectionStatus(name, section);
    sections[name] = status;
    if (!section) {
      if (requiredSections.includes(name)) issues.push({ section: name, message: 'section missing' });
      return undefined;
    }
    if (status === 'failed') {
      issues.push({ section: name, message: `command failed (exit ${section.exitCode})${section.stderr ? `: ${section.stderr.slice(0, 200)}` : ''}` });
      return undefined;
    }
    if (status === 'truncated') issues.push({ section: name, message: 'output truncated at the size cap' });
    return section;
  };
  /** The section's normalized value (from the cache when its output is unchanged), its parse issues noted; undefined when unusable. */
  const read = <S extends CachedSectionName>(name: S): SectionValues[S] | undefined => {
    const section = usable(name);
    if (!section) return undefined;
    const normalize = sectionNormalizers[name] as (stdout: string) => NormalizedSection<SectionValues[S]>;
    const { value, issues: parsed } = opts.cache ? opts.cache.section(node, name, section.stdout, normalize) : normalize(section.stdout);
    for (const issue of parsed.slice(0, 20)) issues.push({ section: name, message: issue.message });
    if (parsed.length && sections[name] === 'ok') sections[name] = 'unreadable';
    return value;
  };

  const links = read('ip-link') ?? [];
  const addresses = read('ip-addr') ?? [];
  const routes = read('ip-route') ?? [];
  const rules = read('ip-rule') ?? [];
  const firewall = read('nft') ?? null;

  const journalText = usable('journal');
  const journal = journalText ? parsedJournal(journalText.stdout, journalReferenceYear(bundle.meta.collectedAt), opts.journal) : undefined;
  if (journal && journal.skipped) issues.push({ section: 'journal', message: `${journal.skipped} unreadable line(s) skipped` });

  const unitState = read('systemctl') ?? null;
  const sessions = read('daemon-routes') ?? null;
  const metrics = read('metrics') ?? [];
  const version = read('daemon-version') ?? versionFromBuildInfo(metrics);
  const unit = read('systemctl-show') ?? null;
  const status = read('daemon-status') ?? null;

  return {
    node,
    collectedAt: bundle.meta.collectedAt,
    links,
    addresses,
    routes,
    rules,
    firewall,
    daemon: { unitState, sessions, version, unit, status },
    events: journal?.events ?? [],
    metrics,
    sections,
    issues,
  };
}

// The poller's parse is used only if it was made from this very text and year; otherwise parse here.
function parsedJournal(text: string, referenceYear: number, given: ParsedJournal | undefined): JournalParseResult {
  if (given && given.referenceYear === referenceYear && given.text === text) return given.result;
  return parseJournalDetailed(text, referenceYear);
}

function sectionStatus(name: SectionName, section: RawSection | undefined): SectionStatus {
  if (!section) return 'missing';
  // null exit code: read from a bundle folder, where only the output is kept
  // `systemctl is-active` exits non-zero whenever the unit is not active; its word is still the answer.
  if (section.exitCode !== null && section.exitCode !== 0 && name !== 'systemctl') {
    // the metrics script's "metrics are off" is the daemon's configuration, not a failed command
    return name === 'metrics' && section.exitCode === METRICS_OFF_EXIT ? 'missing' : 'failed';
  }
  return section.truncated ? 'truncated' : 'ok';
}
