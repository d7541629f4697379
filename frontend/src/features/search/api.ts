import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Page } from '../../api/types';

/** Mirrors `SearchHit` of backend/src/control-plane/modules/search/search-index.ts. */
export type SearchHit =
  | { kind: 'application'; name: string; type: string; host: string | null }
  | { kind: 'switch'; name: string; sipServer: string | null; dnCount: number }
  | { kind: 'dn'; name: string; switch: string; type: string }
  | {
      kind: 'option';
      name: string;
      section: string;
      objects: string[];
      description: string;
      setOn: ({ object: 'application'; name: string } | { object: 'dn'; switch: string; name: string })[];
      setOnCount: number;
    };

export const PAGE_SIZE = 20;

export const searchApi = {
  find: (q: string, page: number) => api.get<Page<SearchHit>>('/search', { query: { q, page, pageSize: PAGE_SIZE } }),
};

/** Pages of `GET /api/search` for `q` (nothing is asked for an empty query). */
export function useSearch(q: string) {
  return useInfiniteQuery({
    queryKey: ['search', q],
    queryFn: ({ pageParam }) => searchApi.find(q, pageParam),
    initialPageParam: 1,
    getNextPageParam: (last) => (last.page * last.pageSize < last.total ? last.page + 1 : undefined),
    enabled: q.trim().length > 0,
    staleTime: 5000,
  });
}
