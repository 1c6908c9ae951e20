import { defineConfig } from 'vite';
import { precompress } from './compress';

// Preact's automatic JSX runtime through esbuild: no Babel in the toolchain.
export default defineConfig({
  plugins: [precompress()],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: { outDir: 'dist', target: 'es2019', chunkSizeWarningLimit: 700, reportCompressedSize: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
