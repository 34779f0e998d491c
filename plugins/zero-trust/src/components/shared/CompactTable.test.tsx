import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CellClasses, CompactColumn, CompactTable } from './CompactTable';
import { TableLink } from './TableLink';

interface Row {
  name: string;
  allowed: boolean;
}

const rows = (n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `caller-${i + 1}`,
    allowed: i % 2 === 0,
  }));

const columns: CompactColumn<Row>[] = [
  { title: 'Caller', render: r => r.name },
  {
    title: 'Decision',
    render: (r, classes) => (
      <span
        className={`${classes.chip} ${r.allowed ? classes.chipPrimary : ''}`}
      >
        {r.allowed ? 'ALLOW' : 'CONDITIONAL'}
      </span>
    ),
  },
];

const matches = (r: Row, term: string) => r.name.includes(term);

function renderTable(n: number) {
  return renderInTestApp(
    <CompactTable
      aria-label="callers"
      title={`Callers (${n})`}
      columns={columns}
      rows={rows(n)}
      pageSize={20}
      matches={matches}
    />,
  );
}

const names = () =>
  within(screen.getByRole('table', { name: 'callers' }))
    .getAllByRole('row')
    .slice(1)
    .map(r => within(r).getAllByRole('cell')[0].textContent);

describe('CompactTable', () => {
  it('is a table with column headers and one row per item', async () => {
    await renderTable(3);
    const table = screen.getByRole('table', { name: 'callers' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Caller', 'Decision']);
    expect(names()).toEqual(['caller-1', 'caller-2', 'caller-3']);
    expect(within(table).getAllByText('ALLOW')).toHaveLength(2);
  });

  it('shows neither page controls nor a filter when one page holds every row', async () => {
    await renderTable(20);
    expect(names()).toHaveLength(20);
    expect(
      screen.queryByRole('button', { name: 'Next page' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByPlaceholderText('Filter')).not.toBeInTheDocument();
  });

  it('puts the 21st row on the next page, and back', async () => {
    await renderTable(45);
    expect(names()).toHaveLength(20);
    expect(screen.getByText('1-20 of 45')).toBeInTheDocument();
    const previous = screen.getByRole('button', { name: 'Previous page' });
    const next = screen.getByRole('button', { name: 'Next page' });
    expect(previous).toBeDisabled();

    await userEvent.click(next);
    expect(screen.getByText('21-40 of 45')).toBeInTheDocument();
    expect(names()[0]).toBe('caller-21');
    expect(names()).not.toContain('caller-1');

    await userEvent.click(next);
    expect(screen.getByText('41-45 of 45')).toBeInTheDocument();
    expect(names()).toEqual([
      'caller-41',
      'caller-42',
      'caller-43',
      'caller-44',
      'caller-45',
    ]);
    expect(next).toBeDisabled();

    await userEvent.click(previous);
    expect(names()[0]).toBe('caller-21');
  });

  it('filters every row, not only the page shown, from the first page of what matches', async () => {
    await renderTable(45);
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Filter callers' }),
      'caller-4',
    );
    // caller-4 and caller-40 to caller-45: one page, so no page controls.
    await waitFor(() => expect(names()).toHaveLength(7));
    expect(names()[0]).toBe('caller-4');
    expect(
      screen.queryByRole('button', { name: 'Next page' }),
    ).not.toBeInTheDocument();

    await userEvent.clear(
      screen.getByRole('textbox', { name: 'Filter callers' }),
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Filter callers' }),
      'nobody',
    );
    await waitFor(() =>
      expect(screen.getByText('Nothing matches “nobody”.')).toBeInTheDocument(),
    );
  });

  it('links to app paths through the router and refuses any other scheme than http(s)', async () => {
    await renderInTestApp(
      <CompactTable
        aria-label="links"
        columns={[
          {
            title: 'Link',
            render: (to: string, classes) => (
              <TableLink to={to} classes={classes}>
                {to}
              </TableLink>
            ),
          },
        ]}
        rows={['/catalog/default/component/a']}
        pageSize={20}
      />,
    );
    expect(
      screen.getByRole('link', { name: '/catalog/default/component/a' }),
    ).toHaveAttribute('href', '/catalog/default/component/a');
    // Called as a function: the refusal is its first render's.
    expect(() =>
      // eslint-disable-next-line new-cap
      TableLink({
        // eslint-disable-next-line no-script-url
        to: 'javascript:alert(1)',
        classes: {} as CellClasses,
        children: 'x',
      }),
    ).toThrow('neither an app path nor http(s)');
  });
});
