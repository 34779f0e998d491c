import { CodeSnippet } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type {
  OnboardingChangeSummary,
  OnboardingRequestRecord,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ReactNode } from 'react';
import { FactList } from '../EntityZeroTrustContent/FactList';
import { DriftList } from './DriftList';
import { DryRunEvidence } from './DryRunEvidence';
import { PromoteLink } from './PromoteLink';
import { PullRequestLink } from './PullRequestLink';
import { When } from './RequestAge';
import { RequestStateStatus } from './RequestStateStatus';
import { stringify } from 'yaml';

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mt={3}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

/** The namespace labels and each generated resource's spec, as the pull request has them. */
function ChangeSummary(props: { change: OnboardingChangeSummary }) {
  const { change } = props;
  const labels = Object.entries(change.namespaceLabels);
  return (
    <>
      <Typography variant="subtitle2" component="h4">
        Namespace {change.namespace}
      </Typography>
      <Box mb={2}>
        {labels.length ? (
          labels.map(([key, value]) => (
            <Chip key={key} size="small" label={`${key}=${value}`} />
          ))
        ) : (
          <Typography variant="body2" color="textSecondary">
            No label to add.
          </Typography>
        )}
      </Box>
      {change.resources.map(r => (
        <Box
          key={`${r.kind}/${r.metadata.namespace}/${r.metadata.name}`}
          mb={2}
        >
          <Typography variant="subtitle2" component="h4">
            {r.kind} {r.metadata.namespace}/{r.metadata.name}
          </Typography>
          <Typography variant="caption" color="textSecondary" display="block">
            {r.apiVersion}
          </Typography>
          <CodeSnippet
            text={stringify({ spec: r.spec })}
            language="yaml"
            showCopyCodeButton
          />
        </Box>
      ))}
    </>
  );
}

function Timeline(props: { record: OnboardingRequestRecord }) {
  const { createdAt, mergedAt, convergedAt, lastCheckedAt } = props.record;
  const times: [string, string | undefined][] = [
    ['opened', createdAt],
    ['merged', mergedAt],
    ['in the cluster', convergedAt],
    ['last checked', lastCheckedAt],
  ];
  return (
    <>
      {times.map(([label, iso]) =>
        iso ? (
          <span key={label} style={{ display: 'block' }}>
            <When label={label} iso={iso} />
          </span>
        ) : null,
      )}
    </>
  );
}

/**
 * One request in full: where it stands, what its pull request changes (namespace labels,
 * each resource's spec as YAML) and how the live cluster differs from that.
 */
export function OnboardingRequestDetail(props: {
  record: OnboardingRequestRecord;
}) {
  const { record } = props;
  return (
    <Box>
      <Grid container spacing={2}>
        <Grid item xs={12} sm={6}>
          <FactList
            facts={[
              { label: 'State', value: <RequestStateStatus record={record} /> },
              {
                label: 'Service',
                value: `${record.namespace}/${record.service}`,
                hint: `cluster ${record.cluster}`,
              },
              {
                label: 'Entity',
                value: record.entityRef ? (
                  <EntityRefLink
                    entityRef={record.entityRef}
                    defaultKind="component"
                  />
                ) : (
                  'none'
                ),
              },
              {
                label: 'Requested by',
                value: record.requestedBy ? (
                  <EntityRefLink
                    entityRef={record.requestedBy}
                    defaultKind="user"
                  />
                ) : (
                  'unknown'
                ),
              },
            ]}
          />
        </Grid>
        <Grid item xs={12} sm={6}>
          <FactList
            facts={[
              {
                label: 'Pull request',
                value: <PullRequestLink pullRequest={record.pullRequest} />,
              },
              { label: 'When', value: <Timeline record={record} /> },
            ]}
          />
        </Grid>
      </Grid>
      {record.lastError && (
        <Box mt={2}>
          <Alert severity={record.state === 'failed' ? 'error' : 'warning'}>
            <AlertTitle>
              {record.state === 'failed'
                ? 'This request cannot be followed'
                : 'The last check could not finish'}
            </AlertTitle>
            {record.lastError}
          </Alert>
        </Box>
      )}
      {record.drift.length > 0 && (
        <Section
          title={
            record.state === 'merged'
              ? 'Not in the cluster yet'
              : 'How the cluster differs'
          }
        >
          <DriftList drift={record.drift} />
        </Section>
      )}
      {record.request.rollout === 'dry-run' && (
        <Section title="What the dry run would deny">
          <PromoteLink record={record} />
          <DryRunEvidence record={record} />
        </Section>
      )}
      <Section title="What the pull request changes">
        <ChangeSummary change={record.change} />
      </Section>
    </Box>
  );
}
