import { useEffect, useState } from 'preact/hooks';

/** The console's pages, addressed by the URL's hash so the server serves one index.html. */
export type Route =
  | { page: 'instances' }
  | { page: 'jobGroups'; instanceId: string }
  | { page: 'jobGroup'; instanceId: string; jobGroupId: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'instances' && parts[1] && parts[2] === 'groups' && parts[3]) return { page: 'jobGroup', instanceId: parts[1], jobGroupId: parts[3] };
  if (parts[0] === 'instances' && parts[1]) return { page: 'jobGroups', instanceId: parts[1] };
  return { page: 'instances' };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'instances':
      return '#/instances';
    case 'jobGroups':
      return `#/instances/${encodeURIComponent(route.instanceId)}`;
    case 'jobGroup':
      return `#/instances/${encodeURIComponent(route.instanceId)}/groups/${encodeURIComponent(route.jobGroupId)}`;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
