import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served as static files by the local proxy under a strict CSP (script-src 'self'; style-src 'self'):
// relative asset paths, nothing inlined, no module-preload polyfill (it would be an inline script).
export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
