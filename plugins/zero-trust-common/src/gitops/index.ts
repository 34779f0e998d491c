export { YamlEditError, appendToSequence, setMapEntries } from './yamlEdit';
export {
  fileNameFor,
  manifestText,
  namespaceText,
  sameContent,
} from './manifestFiles';
export { unifiedDiff } from './unifiedDiff';
