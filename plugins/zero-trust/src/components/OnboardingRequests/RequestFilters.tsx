import Grid from '@material-ui/core/Grid';
import type { OnboardingRequestState } from '@zero-trust/backstage-plugin-zero-trust-common';
import { FilterSelect } from '../shared';
import { onboardingRequestStates } from '@zero-trust/backstage-plugin-zero-trust-common';
import { stateNames } from './requestState';

/** The requests' filters: state and cluster, both sent to the backend. */
export function RequestFilters(props: {
  state: OnboardingRequestState | '';
  cluster: string;
  clusters: string[];
  onState: (state: OnboardingRequestState | '') => void;
  onCluster: (cluster: string) => void;
}) {
  return (
    <Grid container spacing={2} style={{ marginBottom: 8 }}>
      <Grid item xs={6} md={3}>
        <FilterSelect
          id="zt-requests-filter-state"
          label="Request state"
          value={props.state}
          onChange={s => props.onState(s as OnboardingRequestState | '')}
          options={onboardingRequestStates.map(s => ({
            value: s,
            label: stateNames[s],
          }))}
        />
      </Grid>
      <Grid item xs={6} md={3}>
        <FilterSelect
          id="zt-requests-filter-cluster"
          label="Request cluster"
          value={props.cluster}
          onChange={props.onCluster}
          options={props.clusters.map(c => ({ value: c, label: c }))}
        />
      </Grid>
    </Grid>
  );
}
