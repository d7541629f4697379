import { Outlet, type RouteObject } from 'react-router';
import { AuthProvider } from '../features/auth/AuthProvider';
import { RequireAuth } from '../features/auth/RequireAuth';
import { LoginPage } from '../features/auth/LoginPage';
import { DashboardPage } from '../features/dashboard/DashboardPage';
import { NotFoundPage } from '../features/placeholders/pages';
import { AuditLogPage } from '../features/audit/AuditLogPage';
import { ImportExportPage } from '../features/import-export/ImportExportPage';
import { UsersPage } from '../features/users/UsersPage';
import { VersionsPage } from '../features/versions/VersionsPage';
import { AlarmsPage } from '../features/alarms/AlarmsPage';
import { TrunksPage } from '../features/trunks/TrunksPage';
import { ApplicationsPage } from '../features/applications/ApplicationsPage';
import { ApplicationDetailPage } from '../features/applications/ApplicationDetailPage';
import { SwitchesPage } from '../features/switches/SwitchesPage';
import { SwitchDnsPage } from '../features/switches/SwitchDnsPage';
import { DnDetailPage } from '../features/switches/DnDetailPage';
import { HaPairPage } from '../features/ha-pairs/HaPairPage';
import { SiteMapPage } from '../features/site-map/SiteMapPage';
import { NewSitePage } from '../features/sites/NewSitePage';
import { SipTracePage } from '../features/trace/SipTracePage';
import { RoutePreviewPage } from '../features/route-preview/RoutePreviewPage';
import { ConnectionsPage } from '../features/connections/ConnectionsPage';
import { CertificatesPage } from '../features/certificates/CertificatesPage';
import { LiveEvents } from '../features/live/LiveEvents';
import { AppLayout } from './shell/AppLayout';
import { RouteErrorPage } from './RouteErrorPage';

function Root() {
  return (
    <AuthProvider>
      <Outlet />
    </AuthProvider>
  );
}

/** Route table; shared by the browser router and the tests' memory router. */
export const routes: RouteObject[] = [
  {
    element: <Root />,
    errorElement: <RouteErrorPage />,
    children: [
      { path: '/login', element: <LoginPage /> },
      {
        element: (
          <RequireAuth>
            <LiveEvents />
            <AppLayout />
          </RequireAuth>
        ),
        children: [
          { index: true, element: <DashboardPage /> },
          { path: 'applications', element: <ApplicationsPage /> },
          { path: 'applications/:name', element: <ApplicationDetailPage /> },
          { path: 'switches', element: <SwitchesPage /> },
          { path: 'switches/:sw', element: <SwitchDnsPage /> },
          { path: 'switches/:sw/dns/:number', element: <DnDetailPage /> },
          { path: 'sites', element: <SiteMapPage /> },
          { path: 'sites/new', element: <NewSitePage /> },
          { path: 'pairs/:name', element: <HaPairPage /> },
          { path: 'trunks', element: <TrunksPage /> },
          { path: 'alarms/*', element: <AlarmsPage /> },
          { path: 'certificates', element: <CertificatesPage /> },
          {
            path: 'trace',
            element: (
              <RequireAuth roles={['admin', 'operator']}>
                <SipTracePage />
              </RequireAuth>
            ),
          },
          {
            path: 'route-preview',
            element: (
              <RequireAuth roles={['admin', 'operator']}>
                <RoutePreviewPage />
              </RequireAuth>
            ),
          },
          {
            path: 'connections',
            element: (
              <RequireAuth roles={['admin', 'operator']}>
                <ConnectionsPage />
              </RequireAuth>
            ),
          },
          { path: 'versions', element: <VersionsPage /> },
          { path: 'audit', element: <AuditLogPage /> },
          {
            path: 'users',
            element: (
              <RequireAuth roles={['admin']}>
                <UsersPage />
              </RequireAuth>
            ),
          },
          { path: 'import-export', element: <ImportExportPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
