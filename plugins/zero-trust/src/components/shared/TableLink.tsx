import { ReactNode } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import type { CellClasses } from './CompactTable';

/** The attribute CompactTable's one click handler reads its analytics event from. */
export const tableLinkAttribute = 'data-table-link';

/**
 * A link in a CompactTable cell: what core-components' `Link` renders (a router link,
 * or for an http(s) address an anchor opening a new window, said to screen readers),
 * without its MUI `Link` and `Typography` wrappers and per-link hooks. Its analytics
 * `click` event (the link's text, `to`) is captured by the table's one click handler.
 */
export function TableLink(props: {
  to: string;
  classes: CellClasses;
  children: ReactNode;
}) {
  const { to, classes, children } = props;
  const data = { [tableLinkAttribute]: to };
  if (/^https?:\/\//.test(to)) {
    return (
      <a
        {...data}
        href={to}
        target="_blank"
        rel="noopener"
        className={classes.link}
      >
        {children}
        <span className={classes.visuallyHidden}>, Opens in a new window</span>
      </a>
    );
  }
  // As core-components' Link refuses javascript: addresses, only app paths go to the router.
  if (!to.startsWith('/')) {
    throw new Error(`TableLink: ${to} is neither an app path nor http(s)`);
  }
  return (
    <RouterLink {...data} to={to} className={classes.link}>
      {children}
    </RouterLink>
  );
}
