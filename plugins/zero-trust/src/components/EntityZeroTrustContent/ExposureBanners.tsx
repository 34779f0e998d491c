import { LinkButton } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type {
  ResolvedCaller,
  SecurityWorkload,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  onboardFormData,
  openCallers,
  plaintextExposure,
  useTemplateLink,
} from '../shared';

const useStyles = makeStyles(theme => ({
  banner: { marginBottom: theme.spacing(1) },
}));

/** `identity/identity-api-callers rules[0]`, or why nothing admits it. */
export function admittedByText(caller: ResolvedCaller): string {
  return caller.admittedBy.length
    ? `allowed by ${caller.admittedBy
        .map(a => `${a.policy} rules[${a.rule}]`)
        .join(', ')}`
    : 'no ALLOW policy applies to it';
}

/** `Port 8080 accepts`, `Ports 8080 and 9090 accept`, or `It accepts` without ports. */
function portsAccept(ports: (number | undefined)[]): string {
  const known = ports.filter((p): p is number => p !== undefined);
  if (!known.length) return 'It accepts';
  return known.length === 1
    ? `Port ${known[0]} accepts`
    : `Ports ${known.slice(0, -1).join(', ')} and ${
        known[known.length - 1]
      } accept`;
}

/**
 * The plain-language warnings at the top of a workload: outside the mesh, plaintext
 * accepted, open to everyone or to a wide group. Only the widest opening is spelled
 * out, since it includes the narrower ones.
 */
export function ExposureBanners(props: { workload: SecurityWorkload }) {
  const { workload } = props;
  const { entity } = useEntity();
  const templateLink = useTemplateLink();
  const classes = useStyles();
  const plaintext = plaintextExposure(workload);
  const open = openCallers(workload);
  const anyone = open.find(o => o.level === 'anyone');
  const authenticated = open.find(o => o.level === 'authenticated');
  const wide = open.filter(o => o.level === 'wide');
  const banners: JSX.Element[] = [];

  if (workload.gateway) {
    banners.push(
      <Alert key="gateway" severity="info">
        <AlertTitle>An Istio gateway</AlertTitle>
        Its listeners, and the TLS they accept, come from its Gateway resources,
        which this analysis does not read yet. The mTLS and callers below are
        what a sidecar with the same policies would enforce: check the Gateway
        servers' <code>tls.mode</code> for what it really accepts.
      </Alert>,
    );
  }

  if (plaintext.outsideMesh) {
    banners.push(
      <Alert
        key="outside"
        severity="error"
        action={
          <LinkButton
            color="inherit"
            variant="outlined"
            size="small"
            to={templateLink(onboardFormData(workload, entity))}
          >
            Onboard to the mesh
          </LinkButton>
        }
      >
        <AlertTitle>
          Outside the mesh: open to every caller, in plaintext
        </AlertTitle>
        {workload.namespace}/{workload.name} has no sidecar and is not ambient (
        {workload.meshReason}). It has no mesh identity, anyone who can reach it
        on the network can call it without encryption, and no
        AuthorizationPolicy is enforced on it.
      </Alert>,
    );
  } else {
    if (plaintext.ports.length) {
      const deciders = [
        ...new Set(plaintext.ports.map(p => p.decidedBy).filter(Boolean)),
      ];
      banners.push(
        <Alert key="plaintext" severity="warning">
          <AlertTitle>Accepts plaintext</AlertTitle>
          {portsAccept(plaintext.ports.map(p => p.port))} unencrypted requests:
          mTLS is {[...new Set(plaintext.ports.map(p => p.mode))].join(' or ')}{' '}
          there
          {deciders.length ? `, decided by ${deciders.join(', ')}` : ''}.
          Callers outside the mesh reach it without an identity, so rules on
          principals and namespaces cannot tell them apart.
        </Alert>,
      );
    }
    if (anyone) {
      banners.push(
        <Alert key="anyone" severity="error">
          <AlertTitle>Open to every caller</AlertTitle>
          Anyone who can reach it may call it, plaintext callers included:{' '}
          {admittedByText(anyone.caller)}.
        </Alert>,
      );
    } else if (authenticated) {
      banners.push(
        <Alert key="authenticated" severity="warning">
          <AlertTitle>Open to every workload in the mesh</AlertTitle>
          Any workload with a mesh certificate, in any namespace and any trusted
          trust domain, may call it: {admittedByText(authenticated.caller)}.
        </Alert>,
      );
    } else if (wide.length) {
      banners.push(
        <Alert key="wide" severity="warning">
          <AlertTitle>Open to a wide group of callers</AlertTitle>
          {wide.map(o => (
            <div key={o.caller.label}>
              {o.caller.label}: {admittedByText(o.caller)}.
            </div>
          ))}
        </Alert>,
      );
    }
  }

  if (!banners.length) return null;
  return (
    <>
      {banners.map(b => (
        <div key={b.key} className={classes.banner}>
          {b}
        </div>
      ))}
    </>
  );
}
