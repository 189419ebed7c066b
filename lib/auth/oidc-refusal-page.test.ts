import { describe, expect, it } from 'vitest';
import { oidcRefusalPage } from './oidc-refusal-page';

describe('oidcRefusalPage', () => {
  it('shows the reason escaped, with a way back to sign-in', () => {
    const page = oidcRefusalPage('access_denied: <script>alert("x")</script> & more');
    expect(page).toContain('<p id="reason">access_denied: &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; more</p>');
    expect(page).not.toContain('<script>');
    expect(page).toContain('href="/login"');
  });
});
