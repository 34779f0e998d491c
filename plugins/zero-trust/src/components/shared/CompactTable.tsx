import IconButton from '@material-ui/core/IconButton';
import Input from '@material-ui/core/Input';
import Typography from '@material-ui/core/Typography';
import {
  alpha,
  createStyles,
  darken,
  lighten,
  makeStyles,
} from '@material-ui/core/styles';
import type { CSSProperties } from '@material-ui/core/styles/withStyles';
import KeyboardArrowLeft from '@material-ui/icons/KeyboardArrowLeft';
import KeyboardArrowRight from '@material-ui/icons/KeyboardArrowRight';
import SearchIcon from '@material-ui/icons/Search';
import { ReactNode, useMemo, useState } from 'react';

// One style sheet for the whole table, its cells and what they hold, on plain table
// elements: MUI's Table, TableRow and TableCell, Typography and Chip are a styled
// wrapper (and a style sheet created on first use) per element, and a page of callers
// and one of findings held about 600 of them, the larger part of the Security tab's
// first render (bench/render.bench.ts, "Speed" in the README). The rules restate MUI's
// small table and chip, then the app theme's overrides of them (Backstage's theme makes
// tables denser and stripes their rows), so the table looks as MUI's does in the app.
/** A rule of the theme's overrides of an MUI component (Backstage's are plain objects). */
const override = (rule: unknown): CSSProperties =>
  rule && typeof rule === 'object' ? (rule as CSSProperties) : {};

const useStyles = makeStyles(theme => {
  const o = theme.overrides ?? {};
  const divider =
    theme.palette.type === 'light'
      ? lighten(alpha(theme.palette.divider, 1), 0.88)
      : darken(alpha(theme.palette.divider, 1), 0.68);
  const outline =
    theme.palette.type === 'light'
      ? 'rgba(0, 0, 0, 0.23)'
      : 'rgba(255, 255, 255, 0.23)';
  return createStyles({
    header: {
      display: 'flex',
      alignItems: 'center',
      padding: theme.spacing(2, 2, 1),
    },
    title: { flexGrow: 1 },
    filter: { fontSize: theme.typography.body2.fontSize },
    filterIcon: {
      display: 'flex',
      marginRight: theme.spacing(1),
      color: theme.palette.action.active,
    },
    table: {
      display: 'table',
      width: '100%',
      borderCollapse: 'collapse',
      borderSpacing: 0,
      ...override(o.MuiTable?.root),
    },
    row: {
      color: 'inherit',
      verticalAlign: 'middle',
      outline: 0,
      ...override(o.MuiTableRow?.root),
    },
    headRow: override(o.MuiTableRow?.head),
    cell: {
      ...theme.typography.body2,
      display: 'table-cell',
      verticalAlign: 'inherit',
      borderBottom: `1px solid ${divider}`,
      textAlign: 'left',
      padding: '6px 24px 6px 16px',
      '&:last-child': { paddingRight: 16 },
      ...override(o.MuiTableCell?.root),
      ...override(o.MuiTableCell?.sizeSmall),
    },
    head: {
      color: theme.palette.text.primary,
      lineHeight: theme.typography.pxToRem(24),
      fontWeight: theme.typography.fontWeightMedium as number,
      ...override(o.MuiTableCell?.head),
    },
    body: {
      color: theme.palette.text.primary,
      ...override(o.MuiTableCell?.body),
    },
    nowrap: { whiteSpace: 'nowrap' },
    // For what cells hold (CellClasses).
    text: { ...theme.typography.body2, margin: 0 },
    secondary: { color: theme.palette.text.secondary },
    caption: {
      ...theme.typography.caption,
      display: 'block',
      color: theme.palette.text.secondary,
    },
    error: { color: theme.palette.error.main },
    chip: {
      fontFamily: theme.typography.fontFamily,
      display: 'inline-flex',
      alignItems: 'center',
      justifyContent: 'center',
      boxSizing: 'border-box',
      height: 24,
      borderRadius: 12,
      padding: '0 8px',
      whiteSpace: 'nowrap',
      verticalAlign: 'middle',
      color: theme.palette.getContrastText(
        theme.palette.type === 'light'
          ? theme.palette.grey[300]
          : theme.palette.grey[700],
      ),
      backgroundColor:
        theme.palette.type === 'light'
          ? theme.palette.grey[300]
          : theme.palette.grey[700],
      fontSize: theme.typography.pxToRem(13),
      ...override(o.MuiChip?.root),
      ...override(o.MuiChip?.label),
      ...override(o.MuiChip?.labelSmall),
    },
    chipPrimary: {
      color: theme.palette.primary.contrastText,
      backgroundColor: theme.palette.primary.main,
    },
    chipOutlined: {
      backgroundColor: 'transparent',
      border: `1px solid ${outline}`,
      padding: '0 7px',
    },
    pager: {
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'flex-end',
      minHeight: 52,
      padding: theme.spacing(0, 0.5, 0, 2),
    },
    pagerText: { ...theme.typography.body2, marginRight: theme.spacing(2.5) },
  });
});

/**
 * Classes for what a cell holds, from the table's one style sheet: `text` is MUI's
 * `body2` (a Typography's), `caption` a secondary caption line, `chip` a small chip
 * (with `chipPrimary` or `chipOutlined`).
 */
export type CellClasses = Record<
  | 'text'
  | 'secondary'
  | 'caption'
  | 'error'
  | 'chip'
  | 'chipPrimary'
  | 'chipOutlined',
  string
>;

/** One column: a header and what a row shows in it. */
export interface CompactColumn<T> {
  title: string;
  width?: string;
  nowrap?: boolean;
  render: (row: T, classes: CellClasses) => ReactNode;
}

/**
 * A dense, paged table on plain table elements with one style sheet (above). The Security
 * tab's tables use it rather than core-components' `Table` (material-table): that one
 * costs about as much to mount as the rest of the tab together, and these tables need
 * none of its sorting, column actions or editing (bench/render.bench.ts, "Speed" in
 * the README).
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
  const cellClass = `${classes.cell} ${classes.body}`;

  return (
    <>
      {(props.title || filterable) && (
        <div className={classes.header}>
          <Typography variant="h6" className={classes.title}>
            {props.title}
          </Typography>
          {filterable && (
            <Input
              className={classes.filter}
              placeholder="Filter"
              margin="dense"
              value={term}
              onChange={e => {
                setTerm(e.target.value);
                setPage(0);
              }}
              inputProps={{ 'aria-label': `Filter ${props['aria-label']}` }}
              startAdornment={
                <span className={classes.filterIcon}>
                  <SearchIcon fontSize="small" />
                </span>
              }
            />
          )}
        </div>
      )}
      {rows.length === 0 && props.emptyContent ? (
        props.emptyContent
      ) : (
        <table className={classes.table} aria-label={props['aria-label']}>
          <thead>
            <tr className={`${classes.row} ${classes.headRow}`}>
              {columns.map(c => (
                <th
                  key={c.title}
                  scope="col"
                  className={`${classes.cell} ${classes.head}`}
                  style={{ width: c.width }}
                >
                  {c.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row, i) => (
              // Rows have no identity of their own; their place is enough.
              <tr key={i} className={classes.row}>
                {columns.map(c => (
                  <td
                    key={c.title}
                    className={
                      c.nowrap ? `${cellClass} ${classes.nowrap}` : cellClass
                    }
                  >
                    {c.render(row, classes)}
                  </td>
                ))}
              </tr>
            ))}
            {shown.length === 0 && (
              <tr className={classes.row}>
                <td className={cellClass} colSpan={columns.length}>
                  <span className={`${classes.text} ${classes.secondary}`}>
                    Nothing matches “{term}”.
                  </span>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {filtered.length > pageSize && (
        <div className={classes.pager}>
          <span className={classes.pagerText}>
            {`${current * pageSize + 1}-${Math.min(
              (current + 1) * pageSize,
              filtered.length,
            )} of ${filtered.length}`}
          </span>
          <IconButton
            aria-label="Previous page"
            title="Previous page"
            disabled={current === 0}
            onClick={() => setPage(current - 1)}
          >
            <KeyboardArrowLeft />
          </IconButton>
          <IconButton
            aria-label="Next page"
            title="Next page"
            disabled={current === pages - 1}
            onClick={() => setPage(current + 1)}
          >
            <KeyboardArrowRight />
          </IconButton>
        </div>
      )}
    </>
  );
}
