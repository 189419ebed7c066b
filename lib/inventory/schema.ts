import { z } from 'zod';

// A missing field says "required"; a wrong one says what was expected.
const expected = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : what),
});

// The inventory file as written by an operator (YAML), before defaults and paths are resolved.
// Every object is strict: a misspelled field is an error, not a silently ignored setting.

export const NODE_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export const nodeNameSchema = z.string(expected('expected a node name')).regex(NODE_NAME_PATTERN, { error: 'expected 1-64 characters of A-Z a-z 0-9 . _ -' });

const portSchema = z
  .number(expected('expected a number 1-65535'))
  .int({ error: 'expected a number 1-65535' })
  .min(1, { error: 'expected a number 1-65535' })
  .max(65535, { error: 'expected a number 1-65535' });

// Host names and addresses only: no spaces, no shell or option metacharacters, no leading dash
// (a host is never passed to a shell, but it is shown to operators and written to known_hosts).
const hostSchema = z
  .string(expected('expected a host name or IP address'))
  .regex(/^[A-Za-z0-9:._%[\]-]{1,253}$/, { error: 'expected a host name or IP address' })
  .refine((h) => !h.startsWith('-'), { error: 'a host may not start with "-"' });

const userSchema = z.string(expected('expected a user name')).regex(/^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/, { error: 'expected a user name' });

const pathSchema = z.string(expected('expected a file path')).min(1, { error: 'expected a file path' });

// `proxyJump` is either another node's name or `[user@]host[:port]`.
const proxyJumpSchema = z
  .string(expected('expected a node name or user@host:port'))
  .regex(/^(?:[A-Za-z0-9._][A-Za-z0-9._-]*@)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/, {
    error: 'expected a node name or user@host:port',
  });

const connectionFields = {
  user: userSchema.optional(),
  port: portSchema.optional(),
  keyPath: pathSchema.optional(),
  knownHostsPath: pathSchema.optional(),
  /** use the ssh-agent at SSH_AUTH_SOCK (default: when no keyPath is given) */
  useAgent: z.boolean(expected('expected true or false')).optional(),
  trustOnFirstUse: z.boolean(expected('expected true or false')).optional(),
};

export const inventoryDefaultsSchema = z.strictObject(connectionFields);

export const inventoryNodeInputSchema = z.strictObject({
  name: nodeNameSchema,
  host: hostSchema,
  site: z.string(expected('expected a site name')).max(64).optional(),
  tags: z.array(z.string(expected('expected a tag')).regex(/^[A-Za-z0-9._:/-]{1,64}$/, { error: 'expected a tag of A-Z a-z 0-9 . _ : / -' })).optional(),
  proxyJump: proxyJumpSchema.optional(),
  ...connectionFields,
});

export const inventoryInputSchema = z.strictObject({
  defaults: inventoryDefaultsSchema.optional(),
  nodes: z.array(inventoryNodeInputSchema, expected('expected a list of nodes')),
});
export type InventoryInput = z.infer<typeof inventoryInputSchema>;
export type InventoryNodeInput = z.infer<typeof inventoryNodeInputSchema>;

/** A jump host: another inventory node, or an address reached with the node's own credentials. */
export type ProxyJump = { kind: 'node'; name: string } | { kind: 'address'; user?: string; host: string; port: number };

/** A node ready to connect to: defaults applied, paths absolute. */
export interface InventoryNode {
  name: string;
  host: string;
  port: number;
  user: string;
  site?: string;
  tags: string[];
  keyPath?: string;
  knownHostsPath: string;
  useAgent: boolean;
  trustOnFirstUse: boolean;
  proxyJump?: ProxyJump;
}

export interface Inventory {
  /** where it came from, for messages */
  source: string;
  nodes: InventoryNode[];
}
