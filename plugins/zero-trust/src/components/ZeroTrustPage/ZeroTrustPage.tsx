import { Content, EmptyState, Header, Page } from '@backstage/core-components';

/**
 * The platform page. It states plainly that it is not built yet rather than
 * showing anything that could be mistaken for real mesh data.
 */
export function ZeroTrustPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Zero trust"
        subtitle="Mesh identity, mTLS and access across your clusters"
      />
      <Content>
        <EmptyState
          missing="content"
          title="The platform page is not built yet"
          description="The engine already runs from the repository root: `npx zero-trust analyze examples/clusters/backend` shows every workload's identity, mTLS and allowed callers, with findings."
        />
      </Content>
    </Page>
  );
}
