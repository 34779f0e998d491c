import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The machine running the tests is shared and slow at times (jsdom renders of the tab took
// over a minute at a load average of 30 on 2 cores): give material-table and the graph room
// to render before a findBy/waitFor or a test gives up. A wait ends as soon as its
// expectation holds, so a generous limit costs time only when a test fails.
configure({ asyncUtilTimeout: 30_000 });
jest.setTimeout(120_000);
