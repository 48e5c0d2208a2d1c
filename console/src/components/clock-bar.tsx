import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useStrings } from '../i18n.ts';
import { Failure } from './failure.tsx';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The emulator's virtual clock: the time it shows and buttons that move it. The move
 * is a console request like any other (session, CSRF token, RAM action
 * outboundbot:AdvanceVirtualClock); it answers once the engine has processed
 * everything due, and open group pages see the new counters on their live stream.
 */
export function ClockBar() {
  const strings = useStrings();
  const [now, setNow] = useState<number | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    api.clock().then(setNow, setError);
  }, []);

  const advance = async (ms: number) => {
    setBusy(true);
    setError(undefined);
    try {
      setNow(await api.advanceClock(ms));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <span class="clock" aria-label={strings.virtualClock}>
      {strings.virtualClock}: <time data-testid="virtual-time">{now === undefined ? '…' : new Date(now).toISOString().replace('.000Z', 'Z')}</time>{' '}
      <button type="button" disabled={busy} onClick={() => advance(HOUR_MS)}>{strings.advanceHour}</button>{' '}
      <button type="button" disabled={busy} onClick={() => advance(DAY_MS)}>{strings.advanceDay}</button>
      {busy && ` ${strings.advancing}`}
      <Failure error={error} />
    </span>
  );
}
