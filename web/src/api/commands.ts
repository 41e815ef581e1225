// Commands with an Idempotency-Key per attempt, answering the log position they wrote
// so the next read can pass `?after=` and see the write.
import { unwrap } from "./client";
import { AttemptKeys } from "./idempotency";
import { ApiError } from "./problem";

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Runs `call` with the key of this attempt at `body`. A retry after a lost answer (a
 * network failure) reuses the key, so the server answers it from the first try; any
 * answer ends the attempt.
 */
export async function keyed<T>(keys: AttemptKeys, body: unknown, call: (key: string) => Promise<Result<T>>): Promise<T> {
  const text = JSON.stringify(body);
  const key = keys.keyFor(text);
  try {
    const data = await unwrap(call(key));
    keys.answered(text);
    return data;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 0) keys.answered(text);
    throw error;
  }
}

/** The highest log position this page has written, for read-your-writes. */
let lastPosition = 0;

/** Remembers a command's position; answers it. */
export function wrote(position: number): number {
  lastPosition = Math.max(lastPosition, position);
  return position;
}

/** The position to pass as `after` (undefined before the first write). */
export function readAfter(): number | undefined {
  return lastPosition > 0 ? lastPosition : undefined;
}
