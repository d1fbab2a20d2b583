// An error the face service answers with its own status code and message; anything else is a 500 whose
// details stay in the server's log.
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}
