import { useState } from 'preact/hooks';
import { api, type Session } from '../api.ts';
import { Failure } from '../components/failure.tsx';
import { useStrings } from '../i18n.ts';

export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const strings = useStrings();
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    setError(undefined);
    try {
      const session = await api.signIn(String(data.get('accessKeyId')), String(data.get('accessKeySecret')));
      // The secret leaves the page with the form; nothing keeps it.
      form.reset();
      onSignedIn(session);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section class="card narrow">
      <h1>{strings.signIn}</h1>
      <p>{strings.signInHint}</p>
      <form onSubmit={submit}>
        <label>
          {strings.accessKeyId}
          <input name="accessKeyId" autocomplete="username" required />
        </label>
        <label>
          {strings.accessKeySecret}
          <input name="accessKeySecret" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit">{strings.signIn}</button>
      </form>
      <Failure error={error} />
    </section>
  );
}
