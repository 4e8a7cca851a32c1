import { CryptoKubeError } from "@cryptokube/core";

/**
 * The one error type handlers throw to answer with a status: the error handler
 * turns it into an error page (or `{error}` JSON under /api/). The message is
 * shown to the user, so it says what was wrong and what to do.
 */
export class HttpError extends CryptoKubeError {
  override name = "HttpError";
  readonly status: number;
  readonly title: string;
  constructor(status: number, title: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { code: `HTTP_${status}`, ...options });
    this.status = status;
    this.title = title;
  }
}

export const badRequest = (message: string): HttpError =>
  new HttpError(400, "Bad request", message);
export const notFound = (message: string): HttpError => new HttpError(404, "Not found", message);
