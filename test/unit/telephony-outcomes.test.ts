import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { NOT_ANSWERED_TASK_STATUS } from '../../src/domain/call-outcome.ts';
import { resultOfEvent, resultOfFinalResponse } from '../../src/telephony/sip/outcome-table.ts';

/** docs/telephony.md's outcome table says what outcome-table.ts does, row by row. */
describe('the SIP outcome table in docs/telephony.md', () => {
  const doc = readFileSync(new URL('../../docs/telephony.md', import.meta.url), 'utf8');
  const table = doc.slice(doc.indexOf('<!-- outcome-table'));
  const rows = table.split('\n').filter((line) => /^\| (\d{3}|other|ring|auth|no response)/.test(line)).map((line) => line.split('|').map((cell) => cell.trim()));

  it('has a row for every response code the table maps', () => {
    const codes = rows.map((row) => /^(\d{3}) /.exec(row[1]!)?.[1]).filter(Boolean);
    assert.deepEqual(codes.sort(), ['402', '404', '408', '410', '480', '484', '486', '487', '600', '603', '604']);
  });

  for (const row of rows) {
    it(`"${row[1]}" is ${row[2]} (${row[3]}) in the code`, () => {
      const code = /^(\d{3}) /.exec(row[1]!)?.[1];
      let result;
      if (code) result = resultOfFinalResponse(Number(code));
      else if (row[1]!.startsWith('other')) result = [403, 500, 503, 606].map(resultOfFinalResponse).every((r) => r === 'NotConnected') ? 'NotConnected' : 'mixed';
      else if (row[1]!.startsWith('ring')) result = resultOfEvent('ringTimeout');
      else if (row[1]!.startsWith('auth')) result = resultOfEvent('authFailed');
      else result = resultOfEvent('transportError');
      assert.equal(result, row[2]);
      if (result !== 'Answered') assert.equal(NOT_ANSWERED_TASK_STATUS[result as keyof typeof NOT_ANSWERED_TASK_STATUS], row[3]);
    });
  }
});
