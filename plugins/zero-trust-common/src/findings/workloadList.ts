/**
 * How a finding's message names the workloads it affects. A mesh-wide setting (ZT035's
 * ALLOW_ANY) can affect every workload of a cluster: the message names the first few and
 * counts the rest, and the finding's `workloads` field carries the whole list. Each
 * workload's Security tab would otherwise carry every other workload's name.
 */
export const namedInMessage = 5;

export function workloadList(ids: string[]): string {
  if (ids.length <= namedInMessage) return ids.join(', ');
  return `${ids.slice(0, namedInMessage).join(', ')} and ${
    ids.length - namedInMessage
  } more`;
}
