// Version-aware known upstream bugs: `knownIssuesFor({version, findings})` for the diagnosis,
// `knownIssueMatchSchema` where a match crosses a boundary.
export { knownIssuesFor, type KnownIssueMatch, type KnownIssueQuery } from './match';
export { knownIssueMatchSchema } from './schema';
export { knownIssues, type KnownIssue } from './table';
