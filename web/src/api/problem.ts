// problem+json (RFC 9457) as the API sends it, and the error the client throws for it.

/** One wrong field of a 422, named by its JSON path (`ticket_types[0].price.amount`). */
export interface FieldError {
  field: string;
  message: string;
}

/** The problem document every failure carries. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/** A failed request: the server's problem, or a network failure (status 0). */
export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail);
    this.name = "ApiError";
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }

  /** The message for `field`, if the server named it. */
  fieldError(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === field)?.message;
  }
}

/** Reads a problem out of any response body; a body that is not one still gives a message. */
export function toProblem(status: number, body: unknown): Problem {
  if (body && typeof body === "object" && "detail" in body) {
    const b = body as Partial<Problem>;
    return {
      type: b.type,
      title: b.title,
      status: typeof b.status === "number" ? b.status : status,
      detail: String(b.detail),
      errors: Array.isArray(b.errors) ? b.errors : undefined,
    };
  }
  return { status, detail: status ? `The server answered ${status}.` : "The server could not be reached." };
}

/** The errors of `error` that name none of `fields`, to show at the top of a form. */
export function otherFieldErrors(error: unknown, fields: string[]): FieldError[] {
  if (!(error instanceof ApiError)) return [];
  return (error.problem.errors ?? []).filter((e) => !fields.includes(e.field));
}
