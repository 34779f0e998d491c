export { resourceKinds } from './resourceKinds';
export type { ResourceKind, ResourceKindName } from './resourceKinds';
export {
  findKind,
  groupOf,
  objectKey,
  objectKeyOf,
  trimObject,
} from './lookup';
export { isOwnedPod } from './ownedPod';
export { isObject } from './fields';
