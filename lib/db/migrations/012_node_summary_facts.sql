-- The fleet grid's facts of the node's latest state (lib/node/node-facts.ts NodeFacts: doublezero0 link,
-- daemon, addresses and route count), written with the diagnosis so /api/fleet reads no bundles.
alter table node_summary add column facts jsonb;
