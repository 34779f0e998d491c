import { analyticsApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  findingCatalogue,
  type Finding,
  type FindingCode,
  type Severity,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { FindingsTable } from './FindingsTable';

/** A finding of the catalogue's first code of that severity, as the engine makes it. */
function findingOf(severity: Severity, name: string): Finding {
  const code = (Object.keys(findingCatalogue) as FindingCode[]).find(
    c => findingCatalogue[c].severity === severity,
  )!;
  const def = findingCatalogue[code];
  return {
    code,
    title: def.title,
    severity,
    resource: {
      cluster: 'backend',
      kind: 'Deployment',
      namespace: 'shop',
      name,
    },
    message: `about ${name}`,
    remediation: def.remediation,
    controls: def.controls,
    docs: def.docs,
  };
}

const findings = [
  findingOf('low', 'lowly'),
  findingOf('high', 'worst'),
  findingOf('medium', 'middling'),
];

describe('FindingsTable', () => {
  it('shows each severity in words, worst first, readable by screen readers', async () => {
    await renderInTestApp(<FindingsTable findings={findings} />);
    const rows = within(screen.getByRole('table', { name: 'findings' }))
      .getAllByRole('row')
      .slice(1);
    // The severity cell's accessible text: not aria-hidden, unlike core-components'.
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['High', 'Medium', 'Low']);
    for (const r of rows) {
      const cell = within(r).getAllByRole('cell')[0];
      expect(cell.querySelector('[aria-hidden="true"]')).toBe(
        cell.querySelector('svg'),
      );
    }
    expect(within(rows[0]).getByText(findings[1].code)).toBeInTheDocument();
  });

  it('links each finding to its docs in a new window, and tells analytics of a click', async () => {
    const analytics = mockApis.analytics.mock();
    await renderInTestApp(
      <TestApiProvider apis={[[analyticsApiRef, analytics]]}>
        <FindingsTable findings={[findingOf('high', 'worst')]} />
      </TestApiProvider>,
    );
    const docs = findingCatalogue[findingOf('high', 'worst').code].docs;
    const link = screen.getByRole('link', {
      name: /docs, Opens in a new window$/,
    });
    expect(link).toHaveAttribute('href', docs);
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener');

    link.addEventListener('click', e => e.preventDefault());
    await userEvent.click(link);
    expect(analytics.captureEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'click',
        subject: link.textContent!.replace(', Opens in a new window', ''),
        attributes: { to: docs },
      }),
    );
  });
});
