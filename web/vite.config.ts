// Vite: the production build (code split per route) and the dev server, which proxies
// the API and the ops endpoints to a running `boxoffice serve` (BOXOFFICE_API, default
// http://127.0.0.1:8080) so the app and the API share one origin as in production.
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

const api = process.env.BOXOFFICE_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: { target: "es2022", sourcemap: false, chunkSizeWarningLimit: 400 },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: api, changeOrigin: false },
      "/health": api,
      "/ready": api,
      "/metrics": api,
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
