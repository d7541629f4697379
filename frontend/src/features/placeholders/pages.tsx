import { PlaceholderPage } from './PlaceholderPage';

// The feature pages live in their own folders (applications, switches, trunks, alarms, versions, audit, users,
// import-export); only the catch-all remains here.

export function NotFoundPage() {
  return (
    <PlaceholderPage
      title="Page not found"
      description="The address does not match any page."
      emptyDescription="Use the navigation to find what you were looking for."
    />
  );
}
