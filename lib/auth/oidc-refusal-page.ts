// A refused OpenID Connect sign-in ends on a page the browser navigated to (the identity provider sent
// it there), so the reason is shown as a page with a way back, not as JSON. The reason can quote the
// provider's error_description, text from outside: it is escaped.

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function oidcRefusalPage(reason: string): string {
  return [
    '<!doctype html><meta charset="utf-8"><title>Sign-in refused</title>',
    '<main style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto">',
    '<h1>Sign-in refused</h1>',
    `<p id="reason">${escapeHtml(reason)}</p>`,
    '<p><a href="/login">Back to sign-in</a></p></main>',
  ].join('');
}
