import { useEffect, useState } from 'preact/hooks';
import { api, type Session } from './api.ts';
import { ClockBar } from './components/clock-bar.tsx';
import { DICTIONARIES, StringsContext, type Language } from './i18n.ts';
import { JobGroupPage } from './pages/job-group.tsx';
import { JobGroupsPage } from './pages/job-groups.tsx';
import { InstancesPage } from './pages/instances.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { useRoute } from './router.ts';

/** Only the choice of language is kept in the browser; nothing about the session is. */
const LANGUAGE_KEY = 'outboundbot.console.language';

function initialLanguage(): Language {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  if (saved === 'en' || saved === 'zh') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function App() {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  // undefined while the first GET /console/session is in flight.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const route = useRoute();
  const strings = DICTIONARIES[language];

  useEffect(() => {
    api.session().then(setSession, () => setSession(null));
  }, []);
  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    document.title = strings.appTitle;
    localStorage.setItem(LANGUAGE_KEY, language);
  }, [language]);

  const signOut = async () => {
    await api.signOut();
    setSession(null);
  };

  return (
    <StringsContext.Provider value={strings}>
      <header class="bar">
        <a class="brand" href="#/instances">{strings.appTitle}</a>
        {session?.VirtualClock && <ClockBar />}
        <span class="spacer" />
        <label>
          {strings.language}{' '}
          <select value={language} onChange={(event) => setLanguage((event.target as HTMLSelectElement).value as Language)}>
            <option value="en">English</option>
            <option value="zh">中文</option>
          </select>
        </label>
        {session && (
          <>
            <span class="who">
              {strings.signedInAs} <code>{session.AccessKeyId}</code>
              {!session.IsRoot && ` (${strings.subUser})`}
            </span>
            <button type="button" onClick={signOut}>{strings.signOut}</button>
          </>
        )}
      </header>
      <main>
        {session === undefined && <p>{strings.loading}</p>}
        {session === null && <SignInPage onSignedIn={setSession} />}
        {session && route.page === 'instances' && <InstancesPage />}
        {session && route.page === 'jobGroups' && <JobGroupsPage instanceId={route.instanceId} />}
        {session && route.page === 'jobGroup' && <JobGroupPage instanceId={route.instanceId} jobGroupId={route.jobGroupId} />}
      </main>
    </StringsContext.Provider>
  );
}
