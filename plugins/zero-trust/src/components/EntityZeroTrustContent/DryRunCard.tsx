import { InfoCard } from '@backstage/core-components';
import type { DryRunView } from '@zero-trust/backstage-plugin-zero-trust-common';
import { FactList } from './FactList';

function callersText(verb: string, callers: string[]): string {
  if (!callers.length) return `would ${verb} no caller`;
  const noun = callers.length === 1 ? 'caller' : 'callers';
  return `would ${verb} ${callers.length} ${noun}: ${callers.join(', ')}`;
}

/**
 * The `istio.io/dry-run` AuthorizationPolicies bound to the workload: its proxy logs
 * their decisions but does not enforce them, so they are shown apart from the callers,
 * with what enforcing them would change.
 */
export function DryRunCard(props: { dryRun: DryRunView }) {
  const { policies, wouldDeny, wouldAllow } = props.dryRun;
  return (
    <InfoCard
      title={`Dry-run policies (${policies.length})`}
      subheader="istio.io/dry-run: logged by the proxy, not enforced"
      variant="gridItem"
    >
      <FactList
        facts={[
          {
            label: 'Policies',
            value: policies.map(p => (
              <div key={p}>
                <code>{p}</code>
              </div>
            )),
          },
          {
            label: 'If enforced',
            value: (
              <>
                <div>{callersText('deny', wouldDeny)}</div>
                {wouldAllow.length > 0 && (
                  <div>{callersText('allow', wouldAllow)}</div>
                )}
              </>
            ),
            hint: 'Compared with the callers allowed today, on every port',
          },
        ]}
      />
    </InfoCard>
  );
}
