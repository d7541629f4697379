import { useQuery } from '@tanstack/react-query';
import { configApi } from '../../api/config';

/** The multi-site trunk links (`GET /api/trunks`), under the trunks page's key so a provisioning refreshes the map. */
export function useTrunkLinks() {
  return useQuery({ queryKey: ['trunks'], queryFn: configApi.trunks });
}
