import { ApiFailure } from '../api.ts';
import { useStrings } from '../i18n.ts';

/** A refused or failed request, as the server's envelope told it: the code and its message. */
export function Failure({ error }: { error: unknown }) {
  const strings = useStrings();
  if (!error) return null;
  const code = error instanceof ApiFailure ? error.code : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p class="failure" role="alert">
      {strings.refused}: <code>{code}</code> {message}
    </p>
  );
}
