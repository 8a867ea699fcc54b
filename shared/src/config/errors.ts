/**
 * Errors are values at the edges: every rejection is a {@link Problem} and becomes one JSON
 * shape through {@link problemBody}. No handler builds its own error body.
 */

export interface Issue {
  /** Where in the payload, e.g. `components.3.version`; empty for the body as a whole. */
  path: string;
  message: string;
}

export interface Problem {
  status: 400 | 401 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 503;
  error: string;
  issues?: Issue[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; problem: Problem };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(problem: Problem): Result<T> => ({ ok: false, problem });

/** The JSON body of every error answer: `{ error, issues }`. */
function problemBody(problem: Problem): { error: string; issues: Issue[] } {
  return { error: problem.error, issues: problem.issues ?? [] };
}

/** A JSON error response; the single place error responses are made. */
export function problemResponse(problem: Problem, headers?: HeadersInit): Response {
  return Response.json(problemBody(problem), { status: problem.status, headers });
}
