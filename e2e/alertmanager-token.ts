/** The bearer token the e2e server's webhook takes (playwright.config.ts sets FNH_ALERTMANAGER_TOKEN to it). */
export const e2eAlertmanagerToken = 'e2e-alertmanager-webhook-token';
