// Prints the production bundle's JavaScript and CSS sizes, raw and gzip, from web/dist.
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const dir = new URL("../dist/assets/", import.meta.url);
const files = readdirSync(dir).map((name) => {
  const bytes = readFileSync(new URL(name, dir));
  return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const ext of [".js", ".css"]) {
  const group = files.filter((f) => f.name.endsWith(ext));
  const raw = group.reduce((s, f) => s + f.raw, 0);
  const gzip = group.reduce((s, f) => s + f.gzip, 0);
  const largest = group.sort((a, b) => b.gzip - a.gzip)[0];
  console.log(
    `web bundle ${ext.slice(1).padEnd(3)}: ${group.length} files, ${kb(raw)} raw, ${kb(gzip)} gzip` +
      (largest ? ` (largest ${largest.name}: ${kb(largest.gzip)} gzip)` : ""),
  );
}
