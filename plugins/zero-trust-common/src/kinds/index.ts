export { resourceKinds } from './resourceKinds';
export type {
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
  trimObject,
} from './lookup';
export { isOwnedPod } from './ownedPod';
export { isObject } from './fields';
