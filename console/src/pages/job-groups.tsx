import { useEffect, useState } from 'preact/hooks';
import { api, type Reply } from '../api.ts';
import { Failure } from '../components/failure.tsx';
import { ListTable } from '../components/list-table.tsx';
import { ProgressBar } from '../components/progress.tsx';
import { useStrings } from '../i18n.ts';
import { hrefOf } from '../router.ts';

type JobGroupItem = Reply<'ListJobGroups'>['JobGroups']['List'][number];
type Script = Reply<'ListScripts'>['Scripts']['List'][number];

const PAGE_SIZE = 50;
/** Statuses ModifyJobGroup may pause from (a Paused group resumes to Scheduling). */
const PAUSABLE = ['Draft', 'Scheduling', 'Executing'];
const ENDED = ['Completed', 'Cancelled', 'Failed'];

export function JobGroupsPage({ instanceId }: { instanceId: string }) {
  const strings = useStrings();
  const [groups, setGroups] = useState<JobGroupItem[] | undefined>(undefined);
  const [scripts, setScripts] = useState<Script[]>([]);
  const [error, setError] = useState<unknown>(undefined);

  const load = () =>
    api
      .call('ListJobGroups', { InstanceId: instanceId, PageNumber: 1, PageSize: PAGE_SIZE })
      .then((reply) => setGroups(reply.JobGroups.List), setError);
  useEffect(() => {
    void load();
    api.call('ListScripts', { InstanceId: instanceId, PageNumber: 1, PageSize: PAGE_SIZE }).then((reply) => setScripts(reply.Scripts.List), setError);
  }, [instanceId]);

  const act = async (request: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await request();
      await load();
    } catch (failure) {
      setError(failure);
    }
  };
  const setStatus = (group: JobGroupItem, status: string) =>
    act(() => api.call('ModifyJobGroup', { InstanceId: instanceId, JobGroupId: group.JobGroupId, Name: group.JobGroupName, JobGroupStatus: status }));
  // Cancelling ends every unfinished job for good (CancelJobs); the group then completes.
  const cancel = (group: JobGroupItem) => act(() => api.call('CancelJobs', { InstanceId: instanceId, JobGroupId: group.JobGroupId, All: true }));
  const remove = (group: JobGroupItem) => act(() => api.call('DeleteJobGroup', { InstanceId: instanceId, JobGroupId: group.JobGroupId }));

  const create = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const strategy = {
      workingTime: [{ beginTime: `${data.get('begin')}:00`, endTime: data.get('end') === '24:00' ? '24:00:00' : `${data.get('end')}:00` }],
      maxAttemptsPerDay: Number(data.get('maxAttemptsPerDay')),
      minAttemptInterval: Number(data.get('minAttemptInterval')),
      repeatBy: 'Day',
    };
    const scriptId = String(data.get('scriptId'));
    await act(() =>
      api.call('CreateJobGroup', {
        InstanceId: instanceId,
        JobGroupName: String(data.get('name')),
        ...(scriptId ? { ScriptId: scriptId } : {}),
        StrategyJson: JSON.stringify(strategy),
      }),
    );
    form.reset();
  };

  return (
    <>
      <p>
        <a href={hrefOf({ page: 'instances' })}>← {strings.instances}</a>
      </p>
      <section class="card">
        <h1>
          {strings.jobGroups} <small><code>{instanceId}</code></small>
        </h1>
        <ListTable
          rows={groups}
          failed={error !== undefined}
          empty={strings.noJobGroups}
          columns={[strings.jobGroupName, strings.status, strings.progress, strings.script, <span class="visually-hidden">actions</span>]}
          row={(group) => (
            <tr key={group.JobGroupId} data-group={group.JobGroupName}>
              <td>
                <a href={hrefOf({ page: 'jobGroup', instanceId, jobGroupId: group.JobGroupId })}>{group.JobGroupName}</a>
              </td>
              <td data-testid="group-status">{group.Status}</td>
              <td><ProgressBar progress={group.Progress} /></td>
              <td>{group.ScriptName || strings.noScript}</td>
              <td class="actions">
                {PAUSABLE.includes(group.Status) && <button type="button" onClick={() => setStatus(group, 'Paused')}>{strings.pause}</button>}
                {group.Status === 'Paused' && <button type="button" onClick={() => setStatus(group, 'Scheduling')}>{strings.resume}</button>}
                {!ENDED.includes(group.Status) && <button type="button" onClick={() => cancel(group)}>{strings.cancel}</button>}
                <button type="button" class="danger" onClick={() => remove(group)}>{strings.delete}</button>
              </td>
            </tr>
          )}
        />
        <Failure error={error} />
      </section>
      <section class="card">
        <h2>{strings.createJobGroup}</h2>
        <form onSubmit={create} class="inline">
          <label>
            {strings.jobGroupName}
            <input name="name" required maxLength={64} />
          </label>
          <label>
            {strings.script}
            <select name="scriptId">
              <option value="">{strings.noScript}</option>
              {scripts.map((script) => (
                <option key={script.ScriptId} value={script.ScriptId}>{script.ScriptName}</option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>{strings.strategy}</legend>
            <label>
              {strings.windowBegin}
              <input name="begin" type="time" value="09:00" required />
            </label>
            <label>
              {strings.windowEnd}
              <input name="end" value="18:00" pattern="([01]\d|2[0-3]):[0-5]\d|24:00" required />
            </label>
            <label>
              {strings.maxAttemptsPerDay}
              <input name="maxAttemptsPerDay" type="number" min={1} max={100} value={3} required />
            </label>
            <label>
              {strings.minAttemptInterval}
              <input name="minAttemptInterval" type="number" min={0} max={10080} value={10} required />
            </label>
          </fieldset>
          <button type="submit">{strings.create}</button>
        </form>
      </section>
    </>
  );
}
