/** The Temporal UI page of a date's workflow (one run when the run ID is given): one copy for alerts, CLI and scripts. */
export function workflowUiUrl(uiUrl: string, namespace: string, workflowId: string, runId?: string): string {
  const base = `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}` : base;
}
