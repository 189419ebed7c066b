// Where the e2e dashboard runs: playwright.config.ts starts the demo on E2E_PORT (default 3100) with its
// data in a folder named after the port, and every spec and helper reaches it through these, so two runs
// on one machine on different ports share neither server, data nor saved sign-ins.
export const e2ePort = Number(process.env.E2E_PORT ?? 3100);
export const e2eOrigin = `http://127.0.0.1:${e2ePort}`;
/** The demo's data folder (relative to the repository root); its simulated fleet is in `sim/`. */
export const e2eDataDir = `.data/e2e-${e2ePort}`;
