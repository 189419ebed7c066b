/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native/wasm server packages must not be bundled: PGlite loads its wasm from disk,
  // ssh2 optionally loads native crypto.
  serverExternalPackages: ['@electric-sql/pglite', 'ssh2', 'cpu-features', 'pg'],
  poweredByHeader: false,
  reactStrictMode: true,
};
export default nextConfig;
