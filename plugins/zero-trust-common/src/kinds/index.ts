export { resourceKinds } from './resourceKinds';
export type {
  KindCaveat,
  ObjectName,
  ResourceKind,
  ResourceKindName,
} from './resourceKinds';
export {
  findKind,
  readsObject,
  groupOf,
  objectKey,
  objectKeyOf,
  resourceCaveat,
  resourceIdOf,
  trimObject,
} from './lookup';
export { isOwnedPod } from './ownedPod';
export { isObject, istioAnnotations } from './fields';
