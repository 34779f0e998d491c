import { CodeSnippet, EmptyState } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  kubernetesIdAnnotation,
  labelSelectorAnnotation,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import type { EntityWorkloadSelector } from '@zero-trust/backstage-plugin-zero-trust-common';
import { selectorText } from './selectorText';

/** The entity names no workload: show the annotation to add, as YAML. */
export function MissingAnnotationState(props: { entity: Entity }) {
  const { entity } = props;
  const yaml = `apiVersion: ${entity.apiVersion}
kind: ${entity.kind}
metadata:
  name: ${entity.metadata.name}
  annotations:
    # the label value on the workload's pods
    ${kubernetesIdAnnotation}: ${entity.metadata.name}
    # or, instead, any label selector:
    # ${labelSelectorAnnotation}: app=${entity.metadata.name}`;
  return (
    <EmptyState
      missing="field"
      title="No kubernetes annotation on this entity"
      description={
        <>
          The Security tab finds an entity's workloads through Backstage's
          kubernetes annotations. Add <code>{kubernetesIdAnnotation}</code> (and
          label the pods <code>{kubernetesIdAnnotation}=&lt;id&gt;</code>) or{' '}
          <code>{labelSelectorAnnotation}</code>; narrow it with{' '}
          <code>backstage.io/kubernetes-namespace</code> and{' '}
          <code>backstage.io/kubernetes-cluster</code> if needed.
        </>
      }
      action={
        <Box maxWidth={640}>
          <Typography variant="body1">
            Add it to the entity's catalog-info.yaml:
          </Typography>
          <CodeSnippet
            text={yaml}
            language="yaml"
            showLineNumbers
            highlightedNumbers={[7]}
          />
        </Box>
      }
    />
  );
}

/** The annotations select nothing in any cluster: say what was searched for. */
export function NoWorkloadsState(props: {
  selector: EntityWorkloadSelector;
  clusters: string[];
}) {
  return (
    <EmptyState
      missing="data"
      title="No workload found for this entity"
      description={`The zero-trust backend looked for ${selectorText(
        props.selector,
        props.clusters,
      )}, and found none. Check that the pods (the pod template, not only the Deployment) carry that label, and that the annotation's namespace and cluster are right.`}
    />
  );
}
