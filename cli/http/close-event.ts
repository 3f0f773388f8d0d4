/**
 * The close event of a run (GetWorkflowExecutionHistory with the close-event filter) and what the SDK's
 * `WorkflowFailedError` says of it, through `failureMessage` (cli/pipeline.ts): "<error>: <cause>".
 */

interface Failure {
  message?: string;
}

export interface CloseEvent {
  workflowExecutionCompletedEventAttributes?: { result?: unknown };
  workflowExecutionFailedEventAttributes?: { failure?: Failure };
  workflowExecutionCanceledEventAttributes?: object;
  workflowExecutionTerminatedEventAttributes?: { reason?: string };
  workflowExecutionTimedOutEventAttributes?: object;
  workflowExecutionContinuedAsNewEventAttributes?: object;
}

const joined = (error: string, cause?: string): string => (cause ? `${error}: ${cause}` : error);

/** Why a closed run did not complete, in the words of the SDK's errors. */
export function closeFailureMessage(event: CloseEvent): string | undefined {
  if (event.workflowExecutionFailedEventAttributes) {
    return joined('Workflow execution failed', event.workflowExecutionFailedEventAttributes.failure?.message);
  }
  if (event.workflowExecutionCanceledEventAttributes)
    return joined('Workflow execution cancelled', 'Workflow canceled');
  if (event.workflowExecutionTerminatedEventAttributes) {
    const reason = event.workflowExecutionTerminatedEventAttributes.reason || 'Workflow execution terminated';
    return joined(reason, reason);
  }
  if (event.workflowExecutionTimedOutEventAttributes) {
    return joined('Workflow execution timed out', 'Workflow execution timed out');
  }
  if (event.workflowExecutionContinuedAsNewEventAttributes) return 'Workflow execution continued as new';
  return undefined;
}
