import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtualTimers } from '../../src/engine/timers.ts';

describe('VirtualTimers', () => {
  it('fires due timers in time order, whatever order they were added in', async () => {
    const timers = new VirtualTimers();
    const fired: number[] = [];
    for (const time of [30, 10, 50, 20, 40]) timers.at(time, () => void fired.push(time));
    await timers.runDue(100);
    assert.deepEqual(fired, [10, 20, 30, 40, 50]);
  });

  it('fires timers set for the same moment in the order they were added', async () => {
    const timers = new VirtualTimers();
    const fired: string[] = [];
    timers.at(10, () => void fired.push('a'));
    timers.at(10, () => void fired.push('b'));
    timers.at(5, () => void fired.push('early'));
    timers.at(10, () => void fired.push('c'));
    timers.at(20, () => void fired.push('late'));
    timers.at(10, () => void fired.push('d'));
    await timers.runDue(20);
    assert.deepEqual(fired, ['early', 'a', 'b', 'c', 'd', 'late']);
  });

  it('fires only timers due at or before the given time and keeps the later ones', async () => {
    const timers = new VirtualTimers();
    const fired: number[] = [];
    for (const time of [10, 15, 16, 30]) timers.at(time, () => void fired.push(time));
    await timers.runDue(15);
    assert.deepEqual(fired, [10, 15]);
    assert.equal(timers.pending, 2);
    assert.equal(timers.nextAt(), 16);
    await timers.runDue(15);
    assert.deepEqual(fired, [10, 15], 'nothing fires twice');
  });

  it('fires timers added by a running timer in the same run when they are due, in time order', async () => {
    const timers = new VirtualTimers();
    const fired: string[] = [];
    timers.at(20, () => void fired.push('20'));
    timers.at(10, () => {
      fired.push('10');
      timers.at(12, () => void fired.push('12 (added)'));
      timers.at(25, () => void fired.push('25 (added)'));
      timers.at(100, () => void fired.push('100 (added)'));
    });
    await timers.runDue(30);
    assert.deepEqual(fired, ['10', '12 (added)', '20', '25 (added)']);
    assert.equal(timers.nextAt(), 100);
    assert.equal(timers.pending, 1);
  });

  it('fires a timer added for a moment already passed in the same run', async () => {
    const timers = new VirtualTimers();
    const fired: string[] = [];
    timers.at(10, () => {
      fired.push('10');
      timers.at(3, () => void fired.push('3 (added)'));
    });
    timers.at(11, () => void fired.push('11'));
    await timers.runDue(10);
    assert.deepEqual(fired, ['10', '3 (added)']);
    assert.equal(timers.nextAt(), 11);
  });

  it('awaits each timer before starting the next', async () => {
    const timers = new VirtualTimers();
    const log: string[] = [];
    timers.at(1, async () => {
      log.push('a start');
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push('a end');
    });
    timers.at(2, () => void log.push('b'));
    await timers.runDue(2);
    assert.deepEqual(log, ['a start', 'a end', 'b']);
  });

  it('nextAt is undefined when nothing is pending, else the earliest pending time', () => {
    const timers = new VirtualTimers();
    assert.equal(timers.nextAt(), undefined);
    timers.at(50, () => {});
    assert.equal(timers.nextAt(), 50);
    timers.at(7, () => {});
    assert.equal(timers.nextAt(), 7);
    timers.at(9, () => {});
    assert.equal(timers.nextAt(), 7);
    assert.equal(timers.pending, 3);
  });

  it('clear drops every pending timer, so none fires afterwards', async () => {
    const timers = new VirtualTimers();
    let fired = 0;
    for (const time of [1, 2, 3]) timers.at(time, () => void fired++);
    timers.clear();
    assert.equal(timers.pending, 0);
    assert.equal(timers.nextAt(), undefined);
    await timers.runDue(10);
    assert.equal(fired, 0);
    timers.at(4, () => void fired++);
    await timers.runDue(10);
    assert.equal(fired, 1, 'timers added after clear still fire');
  });
});
