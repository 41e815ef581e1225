// One Idempotency-Key per attempt: kept across a lost answer, new after any answer.
import { describe, expect, it } from "vitest";
import { keyed } from "./commands";
import { AttemptKeys } from "./idempotency";

const answer = (status: number, data?: unknown) => ({ data, error: status >= 400 ? { status, detail: "no" } : undefined, response: new Response(null, { status }) });

describe("attempt keys", () => {
  it("retries a request whose answer was lost with the same key", async () => {
    const keys = new AttemptKeys();
    const sent: string[] = [];
    const lost = (key: string) => {
      sent.push(key);
      return Promise.reject(new TypeError("network down"));
    };
    await expect(keyed(keys, { seats: 2 }, lost)).rejects.toMatchObject({ status: 0 });
    await keyed(keys, { seats: 2 }, (key) => {
      sent.push(key);
      return Promise.resolve(answer(201, { position: 7 }));
    });
    expect(sent[0]).toBe(sent[1]);
  });

  it("starts a new attempt after an answer or with another body", async () => {
    const keys = new AttemptKeys();
    const sent: string[] = [];
    const call = (status: number) => (key: string) => {
      sent.push(key);
      return Promise.resolve(answer(status, { position: 1 }));
    };
    await expect(keyed(keys, { card: "tok_declined" }, call(402))).rejects.toMatchObject({ status: 402 });
    await expect(keyed(keys, { card: "tok_declined" }, call(402))).rejects.toMatchObject({ status: 402 });
    await keyed(keys, { card: "tok_ok" }, call(201));
    expect(new Set(sent).size).toBe(3);
  });
});
