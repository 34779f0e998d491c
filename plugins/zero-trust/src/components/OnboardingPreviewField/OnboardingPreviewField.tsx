import { useEffect, useMemo } from 'react';
import { CopyTextButton, Progress } from '@backstage/core-components';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  explainNetworkPolicy,
  isDryRunMetadata,
  promoteTemplateTitle,
  type CallerChange,
  type Finding,
  type OnboardingPreviewResponse,
  type WorkloadDiff,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { requestFromInput } from '@zero-trust/backstage-plugin-zero-trust-common';
import { CaveatsAlert, SeverityStatus } from '../shared';
import { usePreview } from './usePreview';

function access(a: CallerChange['before']): string {
  if (!a) return '—';
  return a.ports.length ? `${a.decision} on ${a.ports.join(', ')}` : a.decision;
}

function Section(props: { title: string; children: React.ReactNode }) {
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

function CallersTable(props: { diff: WorkloadDiff }) {
  const { diff } = props;
  const rows = [
    ...diff.callersGained,
    ...diff.callersChanged,
    ...diff.callersLost,
  ];
  if (!rows.length) {
    return (
      <Typography variant="body2">Who may call it does not change.</Typography>
    );
  }
  return (
    <Table size="small" aria-label={`Callers of ${diff.workload}`}>
      <TableHead>
        <TableRow>
          <TableCell>Caller</TableCell>
          <TableCell>Before</TableCell>
          <TableCell>After</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(c => (
          <TableRow key={c.key}>
            <TableCell>{c.label}</TableCell>
            <TableCell>{access(c.before)}</TableCell>
            <TableCell>{access(c.after)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function FindingList(props: { findings: Finding[] }) {
  return (
    <>
      {props.findings.map(f => (
        <Box key={`${f.code}-${f.message}`} display="flex" mb={1}>
          <Box mr={1} flexShrink={0}>
            <SeverityStatus severity={f.severity} />
          </Box>
          <Typography variant="body2">
            <strong>{f.code}</strong> {f.message}
          </Typography>
        </Box>
      ))}
    </>
  );
}

/** The request's external hosts and resilience settings, in words. */
function EdgesSection(props: {
  request: OnboardingPreviewResponse['plan']['request'];
}) {
  const { egress, traffic } = props.request;
  if (!egress && !traffic) return null;
  const retries = traffic?.retries;
  const outlier = traffic?.outlierDetection;
  return (
    <Section title="External hosts and routes">
      <ul style={{ margin: 0 }}>
        {(egress ?? []).map(e => (
          <li key={e.host}>
            <Typography variant="body2">
              May call {e.host} on {e.ports.join(', ')}
              {e.protocol ? ` (${e.protocol})` : ''}: registered for namespace{' '}
              {props.request.namespace} only
            </Typography>
          </li>
        ))}
        {traffic?.timeout && (
          <li>
            <Typography variant="body2">
              Timeout {traffic.timeout} for the whole request, retries included
            </Typography>
          </li>
        )}
        {retries && (
          <li>
            <Typography variant="body2">
              {retries.attempts === 0
                ? 'No retries'
                : `Up to ${retries.attempts} retries${
                    retries.perTryTimeout
                      ? `, ${retries.perTryTimeout} each`
                      : ''
                  }${retries.retryOn ? ` on ${retries.retryOn}` : ''}`}
            </Typography>
          </li>
        )}
        {outlier && (
          <li>
            <Typography variant="body2">
              Outlier detection:{' '}
              {Object.entries(outlier)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}
            </Typography>
          </li>
        )}
      </ul>
    </Section>
  );
}

/** What the change does, as the backend's preview says it. */
export function OnboardingPreviewView(props: {
  preview: OnboardingPreviewResponse;
}) {
  const { plan, diff, caveats, networkPolicy, after } = props.preview;
  const dryRun = plan.request.rollout === 'dry-run';
  const labels = Object.entries(plan.namespaceLabels);
  return (
    <Box>
      <CaveatsAlert
        caveats={caveats}
        title="This preview comes from a cluster state not complete and current"
      />
      <Section title="Identity">
        <Box display="flex" alignItems="center">
          <Typography variant="body2" style={{ fontFamily: 'monospace' }}>
            {plan.spiffeId}
          </Typography>
          <CopyTextButton text={plan.spiffeId} tooltipText="SPIFFE ID copied" />
        </Box>
        <Typography variant="body2" color="textSecondary">
          Trust domain {plan.trustDomain}, cluster {plan.cluster},{' '}
          {plan.request.dataplane} dataplane, mTLS {plan.request.mtlsMode}
        </Typography>
      </Section>
      {dryRun && (
        <Section title="Dry run">
          <Alert severity="warning" style={{ marginBottom: 8 }}>
            The AuthorizationPolicies carry istio.io/dry-run: the sidecar logs
            what they would decide and enforces none of them until they are
            promoted ("{promoteTemplateTitle}").
          </Alert>
          <Typography variant="body2">
            {after.dryRun?.wouldDeny.length
              ? `Once enforced, they would deny: ${after.dryRun.wouldDeny.join(
                  ', ',
                )}.`
              : 'Once enforced, they would deny no caller that may call it today.'}
          </Typography>
        </Section>
      )}
      <Section title="Resources in the pull request">
        {labels.length > 0 && (
          <Box mb={1}>
            {labels.map(([k, v]) => (
              <Chip
                key={k}
                size="small"
                label={`namespace ${plan.request.namespace}: ${k}=${v}`}
              />
            ))}
          </Box>
        )}
        <ul style={{ margin: 0 }}>
          {plan.resources.map(r => (
            <li key={`${r.kind}/${r.metadata.name}`}>
              <Typography variant="body2">
                {r.kind} {r.metadata.namespace}/{r.metadata.name}
                {isDryRunMetadata(r.metadata) ? ' (dry-run)' : ''}
              </Typography>
            </li>
          ))}
        </ul>
      </Section>
      {networkPolicy && (
        <Section title="NetworkPolicy">
          <ul style={{ margin: 0 }}>
            {explainNetworkPolicy(networkPolicy).map(line => (
              <li key={line}>
                <Typography variant="body2">{line}</Typography>
              </li>
            ))}
          </ul>
        </Section>
      )}
      <EdgesSection request={plan.request} />
      {diff.workloads.map(w => (
        <Section key={w.workload} title={`Who may call ${w.workload}`}>
          {w.mtls && (
            <Typography variant="body2" gutterBottom>
              mTLS: {w.mtls.before} → {w.mtls.after}
            </Typography>
          )}
          <CallersTable diff={w} />
        </Section>
      ))}
      {diff.findingsIntroduced.length > 0 && (
        <Section title="Findings this change introduces">
          <FindingList findings={diff.findingsIntroduced} />
        </Section>
      )}
      {diff.findingsResolved.length > 0 && (
        <Section title="Findings this change resolves">
          <FindingList findings={diff.findingsResolved} />
        </Section>
      )}
      {plan.notes.length > 0 && (
        <Section title="For the reviewer">
          {plan.notes.map(n => (
            <Alert key={n} severity="info" style={{ marginBottom: 8 }}>
              {n}
            </Alert>
          ))}
        </Section>
      )}
    </Box>
  );
}

function errorMessage(error: Error): string {
  const body = (error as { body?: { error?: { message?: string } } }).body;
  return body?.error?.message ?? error.message;
}

/**
 * The template's review field (`ui:field: ZeroTrustOnboardingPreview`): shows what the
 * form's request would change (identity, resources, callers before and after, findings)
 * before anything is pushed. Its value is the previewed SPIFFE ID, and the form goes on
 * only once the preview has succeeded.
 */
export function OnboardingPreviewField(
  props: FieldExtensionComponentProps<string>,
) {
  const { formContext, onChange, formData, schema } = props;
  const form = formContext?.formData as Record<string, unknown> | undefined;
  const request = useMemo(() => requestFromInput(form), [form]);
  const ready = Boolean(request.service && request.namespace);
  const { loading, error, value } = usePreview(ready ? request : undefined);

  const spiffeId = value?.plan.spiffeId;
  useEffect(() => {
    const next = loading || error ? undefined : spiffeId;
    if (next !== formData) onChange(next);
  }, [loading, error, spiffeId, formData, onChange]);

  return (
    <Box mt={1} mb={2}>
      <Typography variant="h6" component="h2">
        {schema.title ?? 'What this change does'}
      </Typography>
      {schema.description && (
        <Typography variant="body2" color="textSecondary">
          {schema.description}
        </Typography>
      )}
      {!ready && (
        <Alert severity="info">
          Fill in the service and its namespace to see what the change does.
        </Alert>
      )}
      {ready && loading && <Progress />}
      {ready && error && (
        <Alert severity="error">
          The request cannot be applied: {errorMessage(error)}
        </Alert>
      )}
      {ready && value && <OnboardingPreviewView preview={value} />}
    </Box>
  );
}
