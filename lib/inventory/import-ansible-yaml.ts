import { parse } from 'yaml';
import { z } from 'zod';
import { addAnsibleHost, ansibleGroup, ansibleModelToInventory, emptyAnsibleModel, type AnsibleModel, type ImportResult } from './ansible-model';

// Ansible YAML inventory: `all: { vars, hosts: { name: {vars} }, children: { group: {...} } }`.
const varsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
type GroupInput = {
  vars?: Record<string, string | number | boolean> | null;
  hosts?: Record<string, Record<string, string | number | boolean> | null> | null;
  children?: Record<string, GroupInput | null> | null;
};
const groupSchema: z.ZodType<GroupInput> = z.lazy(() =>
  z.object({
    vars: varsSchema.nullish(),
    hosts: z.record(z.string(), varsSchema.nullable()).nullish(),
    children: z.record(z.string(), groupSchema.nullable()).nullish(),
  }),
);
const rootSchema = z.record(z.string(), groupSchema.nullable());

export function importAnsibleYaml(text: string): ImportResult {
  const parsed = rootSchema.safeParse(parse(text));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`not an Ansible YAML inventory: ${first ? `${first.path.join('.')}: ${first.message}` : 'unexpected shape'}`);
  }
  const model = emptyAnsibleModel();
  for (const [name, group] of Object.entries(parsed.data)) walk(model, name, group ?? {});
  return ansibleModelToInventory(model);
}

function walk(model: AnsibleModel, name: string, group: GroupInput): void {
  const g = ansibleGroup(model, name);
  Object.assign(g.vars, group.vars ?? {});
  for (const [host, vars] of Object.entries(group.hosts ?? {})) addAnsibleHost(model, name, host, vars ?? {});
  for (const [child, sub] of Object.entries(group.children ?? {})) {
    g.children.add(child);
    walk(model, child, sub ?? {});
  }
}
