// The Studio is built by Vite into studio/dist and served by the Rulepath server at /studio.
// React because the diagram component (@xyflow/react) is React's; every screen is its own chunk,
// loaded when first opened, so the first screen stays small.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/studio/',
  plugins: [react()],
  // npm run studio:dev: hot reload, the API proxied to a server started with npm start.
  server: { proxy: { '/v1': `http://127.0.0.1:${process.env.PORT ?? 3000}` } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The budget is checked by the Studio's own test (initial JavaScript <= 300 KB gzip).
    chunkSizeWarningLimit: 600,
  },
});
