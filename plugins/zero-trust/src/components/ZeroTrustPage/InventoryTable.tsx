import { Progress, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type {
  ClusterCaveat,
  EdgesQuery,
  NamespacePosture,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ReactNode } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ZeroTrustApi, zeroTrustApiRef } from '../../api';
import { ApiErrorState, CaveatsAlert, FilterSelect } from '../shared';
import { useEdgeFilters } from './useEdgeFilters';

/** A filter applied in the browser, beside the cluster and namespace the backend applies. */
export interface InventoryFilter {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
}

/**
 * The platform page's inventories: a table of one backend answer, with cluster and
 * namespace filters the backend applies (`EdgesQuery`), more filters applied here, the
 * answer's caveats above it, and an empty state that says whether the filters hid
 * rows. `load` must be stable (a module-level function): it is a dependency of the fetch.
 */
export function InventoryTable<
  V extends { caveats?: ClusterCaveat[] },
  R extends object,
>(props: {
  /** Prefix of the filters' ids, e.g. `zt-egress`. */
  id: string;
  /** What failed to load, e.g. `the egress inventory`. */
  what: string;
  clusters: string[];
  namespaces: NamespacePosture[];
  load: (api: ZeroTrustApi, query: EdgesQuery) => Promise<V>;
  filters?: InventoryFilter[];
  /** The rows of the answer that pass the filters applied here. */
  rows: (value: V) => R[];
  /** Whether the answer holds rows before the filters applied here. */
  total: (value: V) => number;
  /** What to show between the caveats and the table (an alert). */
  above?: (value: V) => ReactNode;
  title: (count: number) => string;
  subtitle: string;
  columns: TableColumn<R>[];
  /** The empty state's sentence, without its end: ` that passes these filters.` is added when rows were hidden. */
  empty: (value: V) => ReactNode;
}) {
  const api = useApi(zeroTrustApiRef);
  const filters = useEdgeFilters(props.namespaces);
  const { cluster, namespace } = filters;
  const { load } = props;
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      load(api, {
        ...(cluster ? { cluster } : {}),
        ...(namespace ? { namespace } : {}),
      }),
    [api, load, cluster, namespace],
  );
  const more = props.filters ?? [];
  const width = (12 / (2 + more.length)) as 3 | 4 | 6;
  const rows = value ? props.rows(value) : [];

  return (
    <>
      <Grid container spacing={2} style={{ marginBottom: 8 }}>
        <Grid item xs={6} md={width}>
          <FilterSelect
            id={`${props.id}-cluster`}
            label="Cluster"
            value={cluster}
            onChange={filters.setCluster}
            options={props.clusters.map(c => ({ value: c, label: c }))}
          />
        </Grid>
        <Grid item xs={6} md={width}>
          <FilterSelect
            id={`${props.id}-namespace`}
            label="Namespace"
            value={namespace}
            onChange={filters.setNamespace}
            options={filters.namespaceOptions}
          />
        </Grid>
        {more.map(f => (
          <Grid item xs={6} md={width} key={f.id}>
            <FilterSelect {...f} />
          </Grid>
        ))}
      </Grid>
      {loading && <Progress />}
      {error && <ApiErrorState error={error} retry={retry} what={props.what} />}
      {value && (
        <>
          <CaveatsAlert
            title="This inventory may be incomplete"
            caveats={value.caveats}
          />
          {props.above?.(value)}
          <Table<R>
            title={props.title(rows.length)}
            subtitle={props.subtitle}
            columns={props.columns}
            data={rows}
            options={{
              paging: rows.length > 20,
              pageSize: 20,
              search: rows.length > 10,
              padding: 'dense',
            }}
            emptyContent={
              <Typography variant="body2" style={{ padding: 16 }}>
                {props.empty(value)}
                {props.total(value) ? ' that passes these filters' : ''}.
              </Typography>
            }
          />
        </>
      )}
    </>
  );
}
