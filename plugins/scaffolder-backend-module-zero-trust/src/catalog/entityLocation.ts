import {
  ANNOTATION_LOCATION,
  Entity,
  parseLocationRef,
} from '@backstage/catalog-model';
import {
  ScmIntegrationRegistry,
  getGitLabIntegrationRelativePath,
} from '@backstage/integration';

/** The entity's file in a GitHub or GitLab repository the action can open a pull request in. */
export interface RepositoryFile {
  type: 'repository';
  provider: 'github' | 'gitlab';
  host: string;
  /** GitHub: the owner; GitLab: the group path (`group/subgroup`). */
  owner: string;
  repo: string;
  branch: string;
  /** The file's path in the repository. */
  path: string;
  /** The location as the catalog names it. */
  location: string;
}

/** A place the action cannot change: a person adds the annotations there. */
export interface UnchangeableFile {
  type: 'elsewhere';
  /** The location as the catalog names it, where it names one. */
  location?: string;
  /** Why the action cannot change it, worded to follow "is defined in <location>, ". */
  why: string;
}

export type EntityFile = RepositoryFile | UnchangeableFile;

const segments = (pathname: string) =>
  pathname
    .split('/')
    .filter(Boolean)
    .map(s => decodeURIComponent(s));

const commitSha = /^[0-9a-f]{40}$/i;

/** `owner/repo/blob/branch/path...`, as GitHub links a file. */
function githubFile(parts: string[]) {
  const [owner, repo, blob, branch, ...path] = parts;
  if (blob !== 'blob' || !branch || !path.length) return undefined;
  return { owner, repo, branch, path: path.join('/') };
}

/** `group/.../project/-/blob/branch/path...` (or the older form without `-`). */
function gitlabFile(parts: string[]) {
  let at = parts.findIndex((p, i) => p === '-' && parts[i + 1] === 'blob');
  let skip = 2;
  if (at === -1) {
    at = parts.indexOf('blob');
    skip = 1;
  }
  if (at < 2) return undefined;
  const project = parts.slice(0, at);
  const [branch, ...path] = parts.slice(at + skip);
  if (!branch || !path.length) return undefined;
  return {
    owner: project.slice(0, -1).join('/'),
    repo: project[project.length - 1],
    branch,
    path: path.join('/'),
  };
}

/**
 * Where the entity is defined: its `backstage.io/managed-by-location`, the file that
 * holds it (the origin location may be a Location file listing it). A blob URL on a host
 * with a GitHub or GitLab integration is a file the action can edit through a pull
 * request; anything else (a `file:` location, a host without such an integration, a URL
 * that names no branch and file) is for a person to change. A branch holding `/` is
 * ambiguous in such a URL: the first segment is taken as the branch, as Backstage's own
 * URL readers do.
 */
export function locateEntityFile(
  entity: Entity,
  integrations: ScmIntegrationRegistry,
): EntityFile {
  const ref = entity.metadata.annotations?.[ANNOTATION_LOCATION];
  if (!ref) {
    return {
      type: 'elsewhere',
      why: `an unknown place (it has no ${ANNOTATION_LOCATION} annotation), which the scaffolder cannot change`,
    };
  }
  const elsewhere = (why: string): EntityFile => ({
    type: 'elsewhere',
    location: ref,
    why,
  });
  let location: { type: string; target: string };
  try {
    location = parseLocationRef(ref);
  } catch {
    return elsewhere('a location the scaffolder cannot read');
  }
  if (location.type === 'file') {
    return elsewhere(
      "a file on the catalog's own disk, which the scaffolder cannot change",
    );
  }
  if (location.type !== 'url') {
    return elsewhere(
      `a ${location.type} location, which the scaffolder cannot change`,
    );
  }
  let url: URL;
  try {
    url = new URL(location.target);
  } catch {
    return elsewhere('a URL the scaffolder cannot read');
  }
  const integration = integrations.byUrl(url);
  if (!integration) {
    return elsewhere(
      `${url.host}, which has no GitHub or GitLab integration configured, so the scaffolder cannot open a pull request there`,
    );
  }
  let file: ReturnType<typeof githubFile>;
  let provider: RepositoryFile['provider'];
  if (integration.type === 'github') {
    provider = 'github';
    file = githubFile(segments(url.pathname));
  } else if (integration.type === 'gitlab') {
    provider = 'gitlab';
    const relative = getGitLabIntegrationRelativePath(
      integrations.gitlab.byHost(url.host)!.config,
    );
    const pathname =
      relative && url.pathname.startsWith(`${relative}/`)
        ? url.pathname.slice(relative.length)
        : url.pathname;
    file = gitlabFile(segments(pathname));
  } else {
    return elsewhere(
      `${url.host}, a ${integration.type} integration; the scaffolder opens these pull requests on GitHub and GitLab only`,
    );
  }
  if (!file) {
    return elsewhere(
      'a URL that names no branch and file (expected a link to the file, .../blob/BRANCH/PATH), so the scaffolder cannot change it',
    );
  }
  if (commitSha.test(file.branch)) {
    return elsewhere(
      `a file pinned to commit ${file.branch}, not a branch, so the scaffolder cannot change it`,
    );
  }
  return {
    type: 'repository',
    provider,
    host: url.host,
    ...file,
    location: ref,
  };
}
