import { z } from 'zod';

// The sections of a capture bundle (DESIGN.md "Capture bundle"); the file name is how the
// section is stored in a bundle folder, the command is what the probe runs on the node.
export const sectionNames = [
  'ip-link',
  'ip-addr',
  'ip-route',
  'ip-rule',
  'nft',
  'journal',
  'systemctl',
  'daemon-routes',
  'metrics',
  'hostname',
  'daemon-version',
  'systemctl-show',
  'daemon-status',
] as const;
export type SectionName = (typeof sectionNames)[number];
export const sectionNameSchema = z.enum(sectionNames);

export const requiredSections: readonly SectionName[] = ['ip-link', 'ip-addr', 'ip-route', 'ip-rule'];

export const sectionFileNames: Record<SectionName, string> = {
  'ip-link': 'ip-link.json',
  'ip-addr': 'ip-addr.json',
  'ip-route': 'ip-route.json',
  'ip-rule': 'ip-rule.json',
  nft: 'nft.json',
  journal: 'journal.log',
  systemctl: 'systemctl.txt',
  'daemon-routes': 'daemon-routes.json',
  metrics: 'metrics.txt',
  hostname: 'hostname.txt',
  'daemon-version': 'doublezerod-version.txt',
  'systemctl-show': 'systemctl-show.txt',
  'daemon-status': 'daemon-v2-status.json',
};

export const rawSectionSchema = z.object({
  stdout: z.string(),
  stderr: z.string().default(''),
  /** null when the command's exit code is not known (e.g. a section read from a bundle folder) */
  exitCode: z.number().int().nullable(),
  /** true when the output hit the size cap and was cut */
  truncated: z.boolean().default(false),
});
export type RawSection = z.infer<typeof rawSectionSchema>;

export const bundleMetaSchema = z.object({
  node: z.string().min(1),
  collectedAt: z.string().datetime({ offset: true }),
});
export type BundleMeta = z.infer<typeof bundleMetaSchema>;

export const bundleSchema = z.object({
  meta: bundleMetaSchema,
  sections: z.partialRecord(sectionNameSchema, rawSectionSchema),
});
export type Bundle = z.infer<typeof bundleSchema>;
