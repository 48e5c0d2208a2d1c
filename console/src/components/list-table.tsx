import type { ComponentChildren } from 'preact';
import { useStrings } from '../i18n.ts';

/**
 * A page's list: "loading" until the rows arrive (unless the request failed), a line
 * when there are none, else a table with one header cell per column.
 */
export function ListTable<T>({ rows, failed, empty, columns, row }: { rows: T[] | undefined; failed: boolean; empty: string; columns: ComponentChildren[]; row: (item: T) => ComponentChildren }) {
  const strings = useStrings();
  if (rows === undefined) return failed ? null : <p>{strings.loading}</p>;
  if (rows.length === 0) return <p>{empty}</p>;
  return (
    <table>
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th scope="col" key={index}>{column}</th>
          ))}
        </tr>
      </thead>
      <tbody>{rows.map(row)}</tbody>
    </table>
  );
}
