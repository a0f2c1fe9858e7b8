/** A local port that is taken: the error names it, so the command line can say which variable moves it. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use`);
    this.name = 'PortInUseError';
  }
}
