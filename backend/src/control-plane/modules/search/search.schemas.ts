import { z } from 'zod';
import { requiredText } from '../../common/fields.js';
import { optionalWholeNumber } from '../../common/query.js';
import { declareSchema } from '../../common/validation.js';

/** `?q=oos&page=1&pageSize=20`: the text to find (required, 1-100 characters) and the page of hits. */
export const SearchQuery = declareSchema(
  'SearchQuery',
  z.object({
    q: requiredText(100),
    page: optionalWholeNumber(1, 1_000_000).transform((n) => n ?? 1),
    pageSize: optionalWholeNumber(1, 100).transform((n) => n ?? 20),
  }),
);
