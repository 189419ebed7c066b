// Browser-side fences for a page that shows untrusted node output and carries remediation buttons:
// no framing (clickjacking), scripts, styles, fetches and forms only from this origin, no plugins.
// Next.js needs inline scripts for hydration ('unsafe-inline'), and its dev server needs eval.
const isDev = process.env.NODE_ENV !== 'production';
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native/wasm server packages must not be bundled: PGlite loads its wasm from disk,
  // ssh2 optionally loads native crypto.
  serverExternalPackages: ['@electric-sql/pglite', 'ssh2', 'cpu-features', 'pg'],
  poweredByHeader: false,
  // `npm test` typechecks the whole project with tsc as its own step; not again inside every build.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: contentSecurityPolicy },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};
export default nextConfig;
