import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The machine running the tests is shared and slow at times: give material-table and
// the graph room to render before a findBy/waitFor or a test gives up.
configure({ asyncUtilTimeout: 5000 });
jest.setTimeout(30_000);
