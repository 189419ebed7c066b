import { e2ePort } from './port';

/** The signed-in viewer's cookies, written by viewer.setup.ts and used by every spec by default. */
export const viewerStatePath = `test-results/.auth/viewer-${e2ePort}.json`;
