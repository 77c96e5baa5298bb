/** A parser returned something inconsistent (thrown by the fuzz targets' own checks, never by the library). */
export class InvariantError extends Error {
  constructor(message) {
    super(message);
    this.name = 'InvariantError';
  }
}
