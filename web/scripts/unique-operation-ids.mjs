// Rewrites an OpenAPI document so every operationId is unique before openapi-typescript
// reads it: two operations that share an id (utoipa names them after the handler, and
// both `cancel` handlers are called `cancel`) would otherwise share one set of types.
// Usage: node scripts/unique-operation-ids.mjs openapi.json
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
const doc = JSON.parse(readFileSync(file, "utf8"));
const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([, op]) => op && typeof op === "object" && "responses" in op)
    .map(([method, op]) => ({ path, method, op })),
);
const counts = new Map();
for (const { op } of operations) counts.set(op.operationId, (counts.get(op.operationId) ?? 0) + 1);
for (const { path, method, op } of operations) {
  if (op.operationId && counts.get(op.operationId) > 1) {
    const words = path.replace(/^\/api\/v1\//, "").replace(/\{[^}]+\}/g, "").split(/[/_]+/).filter(Boolean);
    op.operationId = [method, ...words].join("_");
  }
}
writeFileSync(file, JSON.stringify(doc, null, 2));
