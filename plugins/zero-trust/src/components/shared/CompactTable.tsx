import IconButton from '@material-ui/core/IconButton';
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
import { useAnalytics } from '@backstage/core-plugin-api';
import { MouseEvent, ReactNode, useMemo, useState } from 'react';
import { tableLinkAttribute } from './TableLink';

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
  const underline =
    theme.palette.type === 'light'
      ? 'rgba(0, 0, 0, 0.42)'
      : 'rgba(255, 255, 255, 0.7)';
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
    // MUI's standard Input (dense), its underline thicker and coloured on focus.
    filter: {
      display: 'flex',
      alignItems: 'center',
      borderBottom: `1px solid ${underline}`,
      '&:hover': { borderBottomColor: theme.palette.text.primary },
      '&:focus-within': {
        borderBottom: `2px solid ${theme.palette.primary.main}`,
        marginBottom: -1,
      },
    },
    filterIcon: {
      marginRight: theme.spacing(1),
      color: theme.palette.action.active,
    },
    filterInput: {
      ...theme.typography.body2,
      color: theme.palette.text.primary,
      border: 0,
      outline: 0,
      background: 'none',
      padding: '3px 0 7px',
      minWidth: 0,
      width: '12em',
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
    // core-components' StatusError, StatusWarning and StatusPending (their Typography,
    // icon and fill), for a status in every row.
    status: {
      ...theme.typography.body1,
      margin: 0,
      fontWeight: theme.typography.fontWeightMedium as number,
      display: 'flex',
      alignItems: 'baseline',
    },
    statusIcon: {
      flexShrink: 0,
      position: 'relative',
      top: '0.125em',
      marginRight: theme.spacing(1),
      width: '0.8em',
      height: '0.8em',
      // A Material icon's size (SvgIcon's), which its 0.8em is of.
      fontSize: theme.typography.pxToRem(24),
    },
    // core-components' own pending icon: a plain svg, 1.2em of the text.
    statusIconLarge: { fontSize: 'inherit', width: '1.2em', height: '1.2em' },
    statusError: { fill: theme.palette.status?.error ?? '#C9190B' },
    statusWarning: { fill: theme.palette.status?.warning ?? '#F0AB00' },
    statusPending: { fill: theme.palette.status?.aborted ?? '#6A6E73' },
    // MUI's Link as Backstage's theme sets it (underline on hover).
    link: {
      color: theme.palette.primary.main,
      textDecoration: 'none',
      '&:hover': { textDecoration: 'underline' },
    },
    visuallyHidden: {
      clip: 'rect(0 0 0 0)',
      clipPath: 'inset(50%)',
      overflow: 'hidden',
      position: 'absolute',
      userSelect: 'none',
      whiteSpace: 'nowrap',
      height: 1,
      width: 1,
    },
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
 * (with `chipPrimary` or `chipOutlined`), `link` and `visuallyHidden` for TableLink,
 * `status` and its icon's classes as core-components' status components.
 */
export type CellClasses = Record<
  | 'text'
  | 'secondary'
  | 'caption'
  | 'error'
  | 'chip'
  | 'chipPrimary'
  | 'chipOutlined'
  | 'link'
  | 'visuallyHidden'
  | 'status'
  | 'statusIcon'
  | 'statusIconLarge'
  | 'statusError'
  | 'statusWarning'
  | 'statusPending',
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
  const analytics = useAnalytics();
  // One handler for the table's links (TableLink): the event core-components' Link
  // sends for each of its own clicks.
  const onLinkClick = (e: MouseEvent<HTMLTableElement>) => {
    const link = (e.target as Element).closest(`[${tableLinkAttribute}]`);
    if (!link) return;
    const to = link.getAttribute(tableLinkAttribute)!;
    const text = [...link.childNodes]
      .filter(
        n => !(n instanceof Element && n.className === classes.visuallyHidden),
      )
      .map(n => n.textContent)
      .join('')
      .trim();
    analytics.captureEvent('click', text || to, { attributes: { to } });
  };
  const cellClass = `${classes.cell} ${classes.body}`;

  return (
    <>
      {(props.title || filterable) && (
        <div className={classes.header}>
          <Typography variant="h6" className={classes.title}>
            {props.title}
          </Typography>
          {filterable && (
            <div className={classes.filter}>
              <SearchIcon fontSize="small" className={classes.filterIcon} />
              <input
                className={classes.filterInput}
                placeholder="Filter"
                value={term}
                onChange={e => {
                  setTerm(e.target.value);
                  setPage(0);
                }}
                aria-label={`Filter ${props['aria-label']}`}
              />
            </div>
          )}
        </div>
      )}
      {rows.length === 0 && props.emptyContent ? (
        props.emptyContent
      ) : (
        // eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions
        <table
          className={classes.table}
          aria-label={props['aria-label']}
          onClick={onLinkClick}
        >
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
