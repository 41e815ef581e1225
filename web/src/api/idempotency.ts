// Idempotency-Key per attempt: one key for every try of the same request until the server
// answers, so a retried click after a lost answer never books twice.

/** A new random key. */
export function newKey(): string {
  return crypto.randomUUID();
}

/**
 * Remembers one key per request body. The key is forgotten once the server answers
 * (success or rejection: the next try is a new attempt) or when the body changes; it is
 * kept when the request never got an answer, so the retry is recognised.
 */
export class AttemptKeys {
  private keys = new Map<string, string>();

  /** The key for this attempt at `body`. */
  keyFor(body: string): string {
    let key = this.keys.get(body);
    if (!key) {
      key = newKey();
      this.keys.clear();
      this.keys.set(body, key);
    }
    return key;
  }

  /** The server answered: the next try of `body` is a new attempt. */
  answered(body: string): void {
    this.keys.delete(body);
  }
}
