import { z } from 'zod';

// openid-client wraps each protocol failure in a generic message ("invalid response encountered") and
// keeps the specific one (which claim, which parameter) in `cause`; an OAuth error from the provider
// carries `error` and `error_description`. A user or operator reading a refused sign-in needs the
// specific reason, so it is dug out here. Only the error's own text is used, capped: nothing else leaks.

const oauthErrorShape = z.object({ error: z.string().max(100), error_description: z.string().optional() });
const maxLength = 300;

export function describeOidcFailure(err: unknown): string {
  const messages: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const oauth = oauthErrorShape.safeParse(current);
    if (oauth.success) {
      const { error, error_description: description } = oauth.data;
      return `${error}${description ? `: ${description}` : ''}`.slice(0, maxLength);
    }
    messages.push(current.message);
    current = current.cause;
  }
  // The innermost message is the most specific one.
  return (messages.at(-1) ?? 'unknown error').slice(0, maxLength);
}
