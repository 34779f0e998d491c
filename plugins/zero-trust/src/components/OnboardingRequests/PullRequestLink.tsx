import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { OnboardingPullRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import { browsableUrl, pullRequestName } from './pullRequest';

const providerNames = { github: 'GitHub', gitlab: 'GitLab', git: 'git' };

/**
 * The pull request as a link, or, where the browser cannot open it (a plain git branch
 * in a `file://` repository), the branch name as text with the repository under it.
 */
export function PullRequestLink(props: { pullRequest: OnboardingPullRequest }) {
  const pr = props.pullRequest;
  const url = browsableUrl(pr.url);
  const name = pullRequestName(pr);
  return (
    <>
      {url ? (
        <Link to={url}>{name}</Link>
      ) : (
        <Typography variant="body2" component="span">
          <code>{name}</code>
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary" display="block">
        {pr.provider === 'git'
          ? `branch of ${pr.repository}, into ${pr.baseBranch}`
          : `${providerNames[pr.provider] ?? pr.provider}, into ${
              pr.baseBranch
            }`}
      </Typography>
    </>
  );
}
