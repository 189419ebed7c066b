import type { InventoryInput, InventoryNodeInput } from './schema';

// What both Ansible inventory formats (INI and YAML) describe: groups with vars, hosts and child
// groups. Turned into our inventory: ansible_host/port/user/ssh_private_key_file become the node's
// connection fields, the groups a host belongs to (directly or through children) become its tags.

export type AnsibleValue = string | number | boolean;
export type AnsibleVars = Record<string, AnsibleValue>;

export interface AnsibleGroup {
  vars: AnsibleVars;
  hosts: Set<string>;
  children: Set<string>;
}

export interface AnsibleModel {
  groups: Map<string, AnsibleGroup>;
  hostVars: Map<string, AnsibleVars>;
}

export interface ImportResult {
  inventory: InventoryInput;
  /** what could not be imported, one sentence each */
  warnings: string[];
}

export function emptyAnsibleModel(): AnsibleModel {
  return { groups: new Map(), hostVars: new Map() };
}

export function ansibleGroup(model: AnsibleModel, name: string): AnsibleGroup {
  let g = model.groups.get(name);
  if (!g) {
    g = { vars: {}, hosts: new Set(), children: new Set() };
    model.groups.set(name, g);
  }
  return g;
}

export function addAnsibleHost(model: AnsibleModel, group: string, host: string, vars: AnsibleVars): void {
  ansibleGroup(model, group).hosts.add(host);
  model.hostVars.set(host, { ...(model.hostVars.get(host) ?? {}), ...vars });
}

const IMPLICIT_GROUPS = new Set(['all', 'ungrouped']);

export function ansibleModelToInventory(model: AnsibleModel): ImportResult {
  const warnings: string[] = [];
  const parents = new Map<string, string[]>();
  for (const [name, g] of model.groups) {
    for (const child of g.children) parents.set(child, [...(parents.get(child) ?? []), name]);
  }
  // Ancestors first, so a child group's vars override its parent's (Ansible's depth order).
  const lineage = (group: string, seen = new Set<string>()): string[] => {
    if (seen.has(group)) return [];
    seen.add(group);
    const up = (parents.get(group) ?? []).flatMap((p) => lineage(p, seen));
    return [...up, group];
  };

  const nodes: InventoryNodeInput[] = [];
  const usedNames = new Set<string>();
  for (const [host, ownVars] of model.hostVars) {
    const groups: string[] = [];
    for (const [name, g] of model.groups) if (g.hosts.has(host)) groups.push(...lineage(name));
    const ordered = ['all', ...new Set(groups.filter((g) => g !== 'all'))];
    const vars: AnsibleVars = {};
    for (const g of ordered) Object.assign(vars, model.groups.get(g)?.vars ?? {});
    Object.assign(vars, ownVars);

    const name = safeNodeName(host);
    if (name !== host) warnings.push(`host "${host}" renamed to "${name}" (node names use A-Z a-z 0-9 . _ -)`);
    if (usedNames.has(name)) {
      warnings.push(`host "${host}" skipped: the name "${name}" is already used`);
      continue;
    }
    usedNames.add(name);
    const node: Record<string, unknown> = { name, host: str(vars.ansible_host) ?? host };
    const port = vars.ansible_port ?? vars.ansible_ssh_port;
    if (port !== undefined) node.port = Number(port);
    const user = str(vars.ansible_user ?? vars.ansible_ssh_user);
    if (user) node.user = user;
    const key = str(vars.ansible_ssh_private_key_file ?? vars.ansible_private_key_file);
    if (key) node.keyPath = key;
    const tags = ordered.filter((g) => !IMPLICIT_GROUPS.has(g));
    if (tags.length > 0) node.tags = tags;
    nodes.push(node as InventoryNodeInput);
  }
  return { inventory: { nodes }, warnings };
}

function str(v: AnsibleValue | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

export function safeNodeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  return cleaned || 'node';
}
