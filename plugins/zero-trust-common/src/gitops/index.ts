export {
  YamlEditError,
  appendToSequence,
  removeMapEntry,
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
