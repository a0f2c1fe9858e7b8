/**
 * The Lambda context on every log line of an invocation: its request id, whether it
 * was a cold start, and the function's name, under the field names Powertools' Logger
 * gives them, so the lines of one event are found together (on AWS and locally alike).
 */
import type { Context } from 'aws-lambda';
import { withFields, type Log } from '../core/log.js';

/** The part of the Lambda context the logs carry; the local stack makes its own. */
export type InvocationContext = Pick<Context, 'awsRequestId' | 'functionName'> &
  Partial<Pick<Context, 'functionVersion' | 'invokedFunctionArn' | 'memoryLimitInMB'>>;

export function invocationFields(context: InvocationContext, coldStart: boolean): Record<string, unknown> {
  return {
    function_request_id: context.awsRequestId,
    function_name: context.functionName,
    cold_start: coldStart,
    ...(context.invokedFunctionArn ? { function_arn: context.invokedFunctionArn } : {}),
    ...(context.memoryLimitInMB ? { function_memory_size: Number(context.memoryLimitInMB) } : {}),
  };
}

/**
 * A handler's log for one invocation: the first call of a handler instance is its cold
 * start. Built per invocation, never stored, so concurrent invocations (the local
 * stack runs them side by side) keep their own request ids.
 */
export function invocationLogger(log: Log): (context: InvocationContext | undefined) => Log {
  let cold = true;
  return (context) => {
    const coldStart = cold;
    cold = false;
    return context ? withFields(log, invocationFields(context, coldStart)) : log;
  };
}
