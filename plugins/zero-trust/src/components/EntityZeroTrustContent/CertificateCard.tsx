import { InfoCard, StatusError, StatusOK } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  CertificateLink,
  PeerTrust,
  WorkloadCertificateView,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  formatDuration,
  subjectLine,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ExpiryCountdown } from '../shared';
import { FactList } from './FactList';

const useStyles = makeStyles(theme => ({
  chain: { margin: 0, paddingLeft: theme.spacing(2.5) },
  link: { marginBottom: theme.spacing(1) },
}));

const caNames: Record<WorkloadCertificateView['ca']['kind'], string> = {
  istiod: "istiod's own self-signed CA",
  'plugged-in': 'istiod, with a plugged-in CA (cacerts)',
  'istio-csr': "cert-manager's istio-csr",
  external: 'an external CA',
};

const domainNames: Record<NonNullable<PeerTrust['domain']>, string> = {
  own: 'same trust domain',
  alias: 'trust-domain alias',
  caCertificates: 'trust domain of a caCertificates entry',
  any: 'any trust domain (PILOT_SKIP_VALIDATE_TRUST_DOMAIN)',
};

function ChainLink(props: { link: CertificateLink }) {
  const { link } = props;
  const classes = useStyles();
  return (
    <li className={classes.link}>
      <Typography variant="body2" component="div">
        <code>{link.subject}</code> ({link.role})
      </Typography>
      <Typography variant="body2" component="div">
        <ExpiryCountdown notAfter={link.notAfter} />
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        {link.role === 'intermediate' && link.issuer
          ? `issued by ${link.issuer}; `
          : ''}
        from {link.source}
      </Typography>
    </li>
  );
}

function peerText(p: PeerTrust): string {
  const how = [
    p.root.via === 'unknown'
      ? 'no root certificate in a snapshot: trust assumed'
      : `${p.root.via}${p.root.anchor ? ` ${subjectLine(p.root.anchor)}` : ''}`,
    p.domain ? domainNames[p.domain] : undefined,
  ];
  return how.filter(Boolean).join('; ');
}

/** Who issues the workload's certificate, how often it rotates, when its CAs end, who can authenticate to it. */
export function CertificateCard(props: {
  certificate: WorkloadCertificateView;
}) {
  const { certificate: c } = props;
  const classes = useStyles();
  return (
    <InfoCard title="Certificate" variant="gridItem">
      <FactList
        facts={[
          {
            label: 'Issued by',
            value: caNames[c.ca.kind],
            hint: c.ca.evidence,
          },
          {
            label: 'Chain up to the root',
            value: c.chain.length ? (
              <ol className={classes.chain}>
                {c.chain.map(l => (
                  <ChainLink key={`${l.subject}-${l.fingerprint}`} link={l} />
                ))}
              </ol>
            ) : (
              'Not known: the snapshot holds no root certificate (istio-ca-root-cert)'
            ),
          },
          ...(c.alsoTrusted.length
            ? [
                {
                  label: 'Also trusted for peers',
                  value: (
                    <ul className={classes.chain}>
                      {c.alsoTrusted.map(l => (
                        <ChainLink
                          key={`${l.subject}-${l.fingerprint}`}
                          link={l}
                        />
                      ))}
                    </ul>
                  ),
                },
              ]
            : []),
          {
            label: 'Rotation',
            value: c.rotation
              ? `every ${formatDuration(c.rotation.seconds)}`
              : 'not known',
            hint: c.rotation?.decidedBy,
          },
          {
            label: 'Other clusters that can authenticate to it',
            value: c.peers.length
              ? c.peers.map(p => (
                  <div key={p.cluster}>
                    {p.authenticates ? (
                      <StatusOK>
                        {p.cluster} ({p.trustDomain}): {peerText(p)}
                      </StatusOK>
                    ) : (
                      <StatusError>
                        {p.cluster} ({p.trustDomain}): no, {p.reason}
                      </StatusError>
                    )}
                  </div>
                ))
              : 'No other cluster',
          },
        ]}
      />
    </InfoCard>
  );
}
