import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Reply } from '../api.ts';
import { CountsChart, type Count } from '../components/counts-chart.tsx';
import { Failure } from '../components/failure.tsx';
import { ProgressBar } from '../components/progress.tsx';
import { useStrings, type Strings } from '../i18n.ts';
import { hrefOf } from '../router.ts';

type JobGroup = Reply<'GetJobGroup'>['JobGroup'];

const COUNTERS: Array<[keyof JobGroup['Progress'], keyof Strings]> = [
  ['TotalJobs', 'totalJobs'],
  ['Scheduling', 'scheduling'],
  ['Executing', 'executing'],
  ['TotalCompleted', 'completed'],
  ['Failed', 'failed'],
  ['Paused', 'paused'],
  ['Cancelled', 'cancelled'],
  ['TotalNotAnswered', 'notAnswered'],
];

/**
 * A job group's page. It reads the group once (so a refusal shows as the API's
 * error), then follows the server's live stream of it (server-sent events): the
 * counters and charts change as calls are made, with no reload and no polling.
 */
export function JobGroupPage({ instanceId, jobGroupId }: { instanceId: string; jobGroupId: string }) {
  const strings = useStrings();
  const [group, setGroup] = useState<JobGroup | undefined>(undefined);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    let source: EventSource | undefined;
    let closed = false;
    api.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId }).then(
      (reply) => {
        if (closed) return;
        setGroup(reply.JobGroup);
        const query = new URLSearchParams({ InstanceId: instanceId, JobGroupId: jobGroupId });
        source = new EventSource(`/console/events/job-group?${query}`);
        source.addEventListener('open', () => setLive(true));
        source.addEventListener('jobgroup', (event) => setGroup(JSON.parse((event as MessageEvent<string>).data) as JobGroup));
        // The server ended the stream for good: the session ended, or the key lost the right.
        const stop = (event: Event) => {
          source?.close();
          setLive(false);
          const code = (JSON.parse((event as MessageEvent<string>).data) as { Code: string }).Code;
          setError(new Error(code));
        };
        source.addEventListener('end', stop);
        source.addEventListener('refused', stop);
        // A dropped connection: EventSource reconnects by itself.
        source.addEventListener('error', () => setLive(false));
      },
      setError,
    );
    return () => {
      closed = true;
      source?.close();
    };
  }, [instanceId, jobGroupId]);

  const categories = useMemo<Count[]>(() => (group ? group.Progress.Categories.map((c) => ({ label: c.Key, count: Number(c.Value) })) : []), [group]);
  // GetJobGroup's Briefs name each Key=Value recorded so far, without a count (the wire
  // shape has none), so they are listed, values grouped by key, not charted.
  const briefs = useMemo(() => {
    const byKey = new Map<string, string[]>();
    for (const brief of group?.Progress.Briefs ?? []) byKey.set(brief.Key, [...(byKey.get(brief.Key) ?? []), brief.Value]);
    return [...byKey];
  }, [group]);

  return (
    <>
      <p>
        <a href={hrefOf({ page: 'jobGroups', instanceId })}>← {strings.jobGroups}</a>
      </p>
      <Failure error={error} />
      {group && (
        <>
          <section class="card">
            <h1>
              {group.JobGroupName}{' '}
              <span class={live ? 'badge live' : 'badge'} data-testid="live">{live ? strings.live : strings.disconnected}</span>
            </h1>
            <p>
              {strings.status}: <strong data-testid="status">{group.Status}</strong> · {strings.script}: {group.ScriptName || strings.noScript} ·{' '}
              <ProgressBar progress={group.Progress} />
            </p>
            <dl class="counters">
              {COUNTERS.map(([field, label]) => (
                <div key={field}>
                  <dt>{strings[label]}</dt>
                  <dd data-counter={field}>{String(group.Progress[field])}</dd>
                </div>
              ))}
            </dl>
          </section>
          <section class="card">
            <h2>{strings.briefsAndCategories}</h2>
            <div class="charts">
              <CountsChart title={strings.categories} counts={categories} empty={strings.noResultsYet} />
              <figure class="chart">
                <figcaption>{strings.briefs}</figcaption>
                {briefs.length === 0 ? (
                  <p>{strings.noResultsYet}</p>
                ) : (
                  <table class="compact">
                    <tbody>
                      {briefs.map(([key, values]) => (
                        <tr key={key}>
                          <th scope="row">{key}</th>
                          <td>{values.join(', ')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </figure>
            </div>
          </section>
        </>
      )}
    </>
  );
}
