const port = Number(process.env.E2E_PORT ?? 3100);
/** The signed-in viewer's cookies, written by viewer.setup.ts and used by every spec by default. */
export const viewerStatePath = `test-results/.auth/viewer-${port}.json`;
