import { TertialError } from '../lambdas/core/errors.js';

/** A local port that is taken: the error names it, so the command line can say which variable moves it. */
export class PortInUseError extends TertialError {
  constructor(
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super('port_in_use', `port ${port} is in use`, options);
    this.name = 'PortInUseError';
  }
}
