export {
  clusterAnnotation,
  entityWorkloadSelector,
  kubernetesIdAnnotation,
  labelSelectorAnnotation,
  namespaceAnnotation,
} from './kubernetesAnnotations';
