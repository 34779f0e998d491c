import { StatusWarning } from '@backstage/core-components';
import { meshPathVerdict } from './edgeText';

/** One line per mesh-to-mesh path, its verdict a warning where it is not mTLS. */
export function MeshPathLines(props: {
  paths?: Parameters<typeof meshPathVerdict>[0][];
  text: (p: Parameters<typeof meshPathVerdict>[0]) => string;
}) {
  return (
    <>
      {(props.paths ?? []).map(p => (
        <div
          key={`${p.client.workload}-${p.server.cluster}-${p.server.gateway}`}
        >
          {props.text(p)}:{' '}
          {p.mtls ? (
            meshPathVerdict(p)
          ) : (
            <StatusWarning>{meshPathVerdict(p)}</StatusWarning>
          )}
        </div>
      ))}
    </>
  );
}
