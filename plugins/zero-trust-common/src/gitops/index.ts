export {
  YamlEditError,
  appendToSequence,
  removeMapEntry,
  replaceMapValue,
  setMapEntries,
} from './yamlEdit';
export {
  dryRunComment,
  fileNameFor,
  manifestText,
  namespaceText,
  sameContent,
} from './manifestFiles';
export { unifiedDiff } from './unifiedDiff';
