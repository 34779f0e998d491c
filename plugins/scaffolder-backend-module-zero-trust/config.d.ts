export interface Config {
  zeroTrust?: {
    /** Where the onboarding template opens its pull requests. */
    gitops?: {
      /**
       * The GitOps repository used when an action's input names none, in the
       * scaffolder's `host?owner=OWNER&repo=REPO` form (a host with a GitHub or GitLab
       * integration). Absent: the `plainGit` remote.
       */
      repoUrl?: string;
      /** The branch pull requests target. Default: the repository's default branch. */
      baseBranch?: string;
      /** Commit author. Default: `scaffolder.defaultAuthor`, else `Scaffolder`. */
      author?: {
        name?: string;
        email?: string;
      };
      /** GitHub pull requests. Credentials come from `integrations.github`. */
      github?: {
        /** Labels added to a new pull request. */
        labels?: string[];
        /** Users asked to review a new pull request; a failure is logged, not fatal. */
        reviewers?: string[];
        /** Teams (slugs) asked to review a new pull request. */
        teamReviewers?: string[];
        /** Open new pull requests as drafts. */
        draft?: boolean;
      };
      /** GitLab merge requests. Credentials come from `integrations.gitlab`. */
      gitlab?: {
        /** Labels set on a new merge request. */
        labels?: string[];
        /** Usernames asked to review a new merge request; a failure is logged, not fatal. */
        reviewers?: string[];
      };
      /**
       * A plain git remote: the action pushes a branch and opens no pull request. The
       * demo's default, with no forge at all. The zero-trust backend reads it too (by
       * the node package's same rule): it follows the pushed branches in a local
       * repository, and seeds it from `seedFrom` before it first reads it.
       */
      plainGit?: {
        /**
         * A git remote URL (`file://`, `https://`, `ssh://`) or a local path to a
         * (bare) repository, relative to the backend's working directory. A template
         * may name it as `repoUrl` only in its `file://` form.
         */
        url: string;
        /**
         * When `url` is a local path with no repository yet, the backend creates a bare
         * repository there at startup with this folder's files as its first commit
         * (this module and the zero-trust backend both do, whichever starts first).
         */
        seedFrom?: string;
        /** The branch seeding creates. Default `main`. */
        seedBranch?: string;
        /**
         * The seed commit's date (RFC 3339), where the seeded repository should look as
         * if it had a past: a GitOps branch's objects are taken as created when the
         * commit that added their file was (the demo's dry-run policy is then a rollout
         * left half done). Default: when it is seeded.
         */
        seedDate?: string;
        /**
         * A link to show for the pushed branch, `{branch}` replaced, e.g. a git web UI's
         * `https://git.example.com/gitops/tree/{branch}`. Default: the remote's URL.
         */
        branchUrl?: string;
        /**
         * Other URLs the repository is known by: the `repoURL` its Argo CD Applications
         * (or the `url` its Flux GitRepositories) name it by, where that is not `url`, as
         * in the demo, whose local repository stands for a forge's. The onboarding follows
         * the Applications naming one of them to the folders they apply.
         */
        repoUrls?: string[];
      };
    };
  };
}
