import {
  Content,
  ContentHeader,
  Header,
  Page,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { zeroTrustApiRef } from '../../api';
import { OnboardingRequestsSection } from '../OnboardingRequests';
import { ApiErrorState } from '../shared';
import { ClusterCaveats } from './ClusterCaveats';
import { ClustersTable } from './ClustersTable';
import { EgressInventory } from './EgressInventory';
import { ExposureInventory } from './ExposureInventory';
import { MeshFindings } from './MeshFindings';
import { NamespacesTable } from './NamespacesTable';
import { TrustSection } from './TrustSection';
import { UnusedPermissions } from './UnusedPermissions';

/**
 * The platform team's page: clusters and their sync status, mesh posture per namespace,
 * trust between clusters, findings across the mesh, the exposure and egress inventories, services ranked by unused permissions, and every onboarding request from its pull request to the
 * live cluster. Each part loads on its own, so one failing route leaves the
 * others readable.
 */
export function ZeroTrustPage() {
  const api = useApi(zeroTrustApiRef);
  const clusters = useAsyncRetry(() => api.getClusters(), [api]);
  const namespaces = useAsyncRetry(() => api.getNamespaces(), [api]);

  return (
    <Page themeId="tool">
      <Header
        title="Zero trust"
        subtitle="Mesh identity, mTLS and access across your clusters"
      />
      <Content>
        <Grid container spacing={3} direction="column">
          <Grid item>
            {clusters.loading && !clusters.value && <Progress />}
            {clusters.error && (
              <ApiErrorState
                error={clusters.error}
                retry={clusters.retry}
                what="the clusters"
              />
            )}
            {clusters.value && (
              <>
                <ClusterCaveats clusters={clusters.value.items} />
                <ClustersTable clusters={clusters.value.items} />
              </>
            )}
          </Grid>
          <Grid item>
            {namespaces.loading && !namespaces.value && <Progress />}
            {namespaces.error && (
              <ApiErrorState
                error={namespaces.error}
                retry={namespaces.retry}
                what="the namespaces"
              />
            )}
            {namespaces.value && (
              <NamespacesTable namespaces={namespaces.value.items} />
            )}
          </Grid>
          <Grid item>
            <ContentHeader title="Trust" />
            <TrustSection />
          </Grid>
          <Grid item>
            <ContentHeader title="Findings" />
            <MeshFindings
              clusters={(clusters.value?.items ?? []).map(c => c.name)}
              namespaces={namespaces.value?.items ?? []}
            />
          </Grid>
          <Grid item>
            <ContentHeader title="Exposure" />
            <ExposureInventory
              clusters={(clusters.value?.items ?? []).map(c => c.name)}
              namespaces={namespaces.value?.items ?? []}
            />
          </Grid>
          <Grid item>
            <ContentHeader title="Egress" />
            <EgressInventory
              clusters={(clusters.value?.items ?? []).map(c => c.name)}
              namespaces={namespaces.value?.items ?? []}
            />
          </Grid>
          <Grid item>
            <ContentHeader title="Unused permissions" />
            <UnusedPermissions
              clusters={(clusters.value?.items ?? []).map(c => c.name)}
              namespaces={namespaces.value?.items ?? []}
            />
          </Grid>
          <Grid item>
            <ContentHeader title="Onboarding requests" />
            <Box mb={4}>
              <OnboardingRequestsSection
                clusters={(clusters.value?.items ?? []).map(c => c.name)}
              />
            </Box>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
