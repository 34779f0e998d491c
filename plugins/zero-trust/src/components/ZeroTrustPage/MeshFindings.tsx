import { useApi } from '@backstage/core-plugin-api';
import { Progress } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import {
  findingCatalogue,
  findingCodes,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import type {
  FindingCode,
  NamespacePosture,
  Severity,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { zeroTrustApiRef } from '../../api';
import { ApiErrorState, FilterSelect, FindingsTable } from '../shared';

const severities: Severity[] = ['high', 'medium', 'low'];

/**
 * Findings across the mesh, filtered by severity, cluster and namespace on the backend
 * (`GET /findings`) and by code here.
 */
export function MeshFindings(props: {
  clusters: string[];
  namespaces: NamespacePosture[];
}) {
  const api = useApi(zeroTrustApiRef);
  const [severity, setSeverity] = useState('');
  const [cluster, setCluster] = useState('');
  const [namespace, setNamespace] = useState('');
  const [code, setCode] = useState('');

  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      api.getFindings({
        ...(severity ? { severity: severity as Severity } : {}),
        ...(cluster ? { cluster } : {}),
        ...(namespace ? { namespace } : {}),
      }),
    [api, severity, cluster, namespace],
  );

  const namespaceOptions = useMemo(
    () =>
      [
        ...new Set(
          props.namespaces
            .filter(n => !cluster || n.cluster === cluster)
            .map(n => n.namespace),
        ),
      ]
        .sort()
        .map(n => ({ value: n, label: n })),
    [props.namespaces, cluster],
  );
  const findings = useMemo(
    () =>
      (value?.items ?? []).filter(
        f => !code || f.code === (code as FindingCode),
      ),
    [value, code],
  );

  return (
    <>
      <Grid container spacing={2} style={{ marginBottom: 8 }}>
        <Grid item xs={6} md={3}>
          <FilterSelect
            id="zt-filter-severity"
            label="Severity"
            value={severity}
            onChange={setSeverity}
            options={severities.map(s => ({ value: s, label: s }))}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <FilterSelect
            id="zt-filter-cluster"
            label="Cluster"
            value={cluster}
            onChange={c => {
              setCluster(c);
              setNamespace('');
            }}
            options={props.clusters.map(c => ({ value: c, label: c }))}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <FilterSelect
            id="zt-filter-namespace"
            label="Namespace"
            value={namespace}
            onChange={setNamespace}
            options={namespaceOptions}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <FilterSelect
            id="zt-filter-code"
            label="Code"
            value={code}
            onChange={setCode}
            options={findingCodes.map(c => ({
              value: c,
              label: `${c} ${findingCatalogue[c].title}`,
            }))}
          />
        </Grid>
      </Grid>
      {loading && <Progress />}
      {error ? (
        <ApiErrorState error={error} retry={retry} what="the mesh's findings" />
      ) : (
        <FindingsTable
          findings={findings}
          withCluster
          title={`Findings across the mesh (${findings.length})`}
        />
      )}
    </>
  );
}
