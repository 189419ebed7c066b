// Test helper: a bundle built from the real outputs in lib/parse/testdata.
import type { Bundle, SectionName } from '../bundle/types';
import { testdata } from '../parse/testdata';

export function bundleFromTestdata(files: Partial<Record<SectionName, string>>, extra: Partial<Record<SectionName, string>> = {}): Bundle {
  const sections: Bundle['sections'] = {};
  for (const [name, file] of Object.entries(files) as [SectionName, string][])
    sections[name] = { stdout: testdata(file), stderr: '', exitCode: 0, truncated: false };
  for (const [name, stdout] of Object.entries(extra) as [SectionName, string][]) sections[name] = { stdout, stderr: '', exitCode: 0, truncated: false };
  return { meta: { node: 'dfw-mn-bm1', collectedAt: '2025-11-30T19:40:00Z' }, sections };
}

export const baseFiles: Partial<Record<SectionName, string>> = {
  'ip-link': 'ip-link.json',
  'ip-addr': 'ip-addr.json',
  'ip-route': 'ip-route.json',
  'ip-rule': 'ip-rule.json',
  nft: 'nft.json',
};
