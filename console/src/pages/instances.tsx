import { useEffect, useState } from 'preact/hooks';
import { api, flatten, type Reply } from '../api.ts';
import { Failure } from '../components/failure.tsx';
import { ListTable } from '../components/list-table.tsx';
import { useStrings } from '../i18n.ts';
import { hrefOf } from '../router.ts';

type Instance = Reply<'ListInstances'>['Instances'][number];

const PAGE_SIZE = 50;

export function InstancesPage() {
  const strings = useStrings();
  const [instances, setInstances] = useState<Instance[] | undefined>(undefined);
  // Calls in flight per instance (GetCurrentConcurrency), read with the list.
  const [inUse, setInUse] = useState<Record<string, number>>({});
  const [error, setError] = useState<unknown>(undefined);

  const load = async () => {
    try {
      const listed = (await api.call('ListInstances', { PageNumber: 1, PageSize: PAGE_SIZE })).Instances;
      setInstances(listed);
      const usage = await Promise.all(listed.map((instance) => api.call('GetCurrentConcurrency', { InstanceId: instance.InstanceId })));
      setInUse(Object.fromEntries(listed.map((instance, i) => [instance.InstanceId, usage[i]!.CurrentConcurrency])));
    } catch (failure) {
      setError(failure);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const create = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const numbers = String(data.get('callingNumbers')).split(/[\s,]+/).filter(Boolean);
    setError(undefined);
    try {
      await api.call('CreateInstance', {
        InstanceName: String(data.get('name')),
        MaxConcurrentConversation: Number(data.get('maxConcurrency')),
        ...flatten('CallingNumber', numbers),
      });
      form.reset();
      await load();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <>
      <section class="card">
        <h1>{strings.instances}</h1>
        <ListTable
          rows={instances}
          failed={error !== undefined}
          empty={strings.noInstances}
          columns={[strings.instanceName, strings.instanceId, strings.concurrencyInUse, strings.callingNumbers]}
          row={(instance) => (
            <tr key={instance.InstanceId}>
              <td>
                <a href={hrefOf({ page: 'jobGroups', instanceId: instance.InstanceId })}>{instance.InstanceName}</a>
              </td>
              <td><code>{instance.InstanceId}</code></td>
              <td data-testid="concurrency">
                {inUse[instance.InstanceId] ?? '…'} / {instance.MaxConcurrentConversation}
              </td>
              <td>{instance.CallingNumbers.join(', ')}</td>
            </tr>
          )}
        />
      </section>
      <section class="card">
        <h2>{strings.createInstance}</h2>
        <form onSubmit={create} class="inline">
          <label>
            {strings.instanceName}
            <input name="name" required maxLength={64} />
          </label>
          <label>
            {strings.maxConcurrency}
            <input name="maxConcurrency" type="number" min={1} max={10000} value={2} required />
          </label>
          <label>
            {strings.callingNumbers}
            <input name="callingNumbers" placeholder="95187" />
          </label>
          <button type="submit">{strings.create}</button>
        </form>
        <Failure error={error} />
      </section>
    </>
  );
}
