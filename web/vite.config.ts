import { defineConfig } from 'vite';
import { precompress } from './compress';
import { serviceWorker } from './service-worker';

// Preact's automatic JSX runtime through esbuild: no Babel in the toolchain.
export default defineConfig({
  plugins: [precompress(), serviceWorker()],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  // Two pages: the app, and the public page of published indicators (public.html, src/public/), a bundle
  // of its own with no session code, served under /public/ (docs/publication.md).
  build: {
    outDir: 'dist', target: 'es2019', chunkSizeWarningLimit: 700, reportCompressedSize: true,
    rollupOptions: { input: { main: 'index.html', public: 'public.html' } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
