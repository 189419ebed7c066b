/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native/wasm server packages must not be bundled: PGlite loads its wasm from disk,
  // ssh2 optionally loads native crypto.
  serverExternalPackages: ['@electric-sql/pglite', 'ssh2', 'cpu-features', 'pg'],
  poweredByHeader: false,
  // `npm test` typechecks the whole project with tsc as its own step; not again inside every build.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
};
export default nextConfig;
