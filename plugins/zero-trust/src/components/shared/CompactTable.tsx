import InputAdornment from '@material-ui/core/InputAdornment';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import SearchIcon from '@material-ui/icons/Search';
import { ReactNode, useMemo, useState } from 'react';

const useStyles = makeStyles(theme => ({
  header: {
    display: 'flex',
    alignItems: 'center',
    padding: theme.spacing(2, 2, 1),
  },
  title: { flexGrow: 1 },
  nowrap: { whiteSpace: 'nowrap' },
}));

/** One column: a header and what a row shows in it. */
export interface CompactColumn<T> {
  title: string;
  width?: string;
  nowrap?: boolean;
  render: (row: T) => ReactNode;
}

/**
 * A dense, paged table on MUI's own table parts. The Security tab's tables use it
 * rather than core-components' `Table` (material-table): that one costs about as much
 * to mount as the rest of the tab together, and these tables need none of its sorting,
 * column actions or editing (bench/render.bench.ts, "Speed" in the README).
 */
export function CompactTable<T>(props: {
  columns: CompactColumn<T>[];
  rows: T[];
  pageSize: number;
  /** A filter box, shown when the rows fill more than one page; `term` comes trimmed and lower-cased. */
  matches?: (row: T, term: string) => boolean;
  title?: ReactNode;
  emptyContent?: ReactNode;
  'aria-label': string;
}) {
  const { columns, rows, pageSize, matches } = props;
  const [term, setTerm] = useState('');
  const [page, setPage] = useState(0);
  const filtered = useMemo(() => {
    const t = term.trim().toLocaleLowerCase('en-US');
    return matches && t ? rows.filter(r => matches(r, t)) : rows;
  }, [rows, matches, term]);
  const pages = Math.max(1, Math.ceil(filtered.length / pageSize));
  const current = Math.min(page, pages - 1);
  const shown = filtered.slice(current * pageSize, (current + 1) * pageSize);
  const filterable = matches !== undefined && rows.length > pageSize;
  const classes = useStyles();

  return (
    <>
      {(props.title || filterable) && (
        <div className={classes.header}>
          <Typography variant="h6" className={classes.title}>
            {props.title}
          </Typography>
          {filterable && (
            <TextField
              placeholder="Filter"
              size="small"
              value={term}
              onChange={e => {
                setTerm(e.target.value);
                setPage(0);
              }}
              inputProps={{ 'aria-label': `Filter ${props['aria-label']}` }}
              InputProps={{
                startAdornment: (
                  <InputAdornment position="start">
                    <SearchIcon fontSize="small" />
                  </InputAdornment>
                ),
              }}
            />
          )}
        </div>
      )}
      {rows.length === 0 && props.emptyContent ? (
        props.emptyContent
      ) : (
        <Table size="small" aria-label={props['aria-label']}>
          <TableHead>
            <TableRow>
              {columns.map(c => (
                <TableCell key={c.title} style={{ width: c.width }}>
                  {c.title}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.map((row, i) => (
              // Rows have no identity of their own; their place is enough.
              <TableRow key={i}>
                {columns.map(c => (
                  <TableCell
                    key={c.title}
                    className={c.nowrap ? classes.nowrap : undefined}
                  >
                    {c.render(row)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
            {shown.length === 0 && (
              <TableRow>
                <TableCell colSpan={columns.length}>
                  <Typography variant="body2" color="textSecondary">
                    Nothing matches “{term}”.
                  </Typography>
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      )}
      {filtered.length > pageSize && (
        <TablePagination
          component="div"
          count={filtered.length}
          page={current}
          rowsPerPage={pageSize}
          rowsPerPageOptions={[]}
          onPageChange={(_e, p) => setPage(p)}
        />
      )}
    </>
  );
}
