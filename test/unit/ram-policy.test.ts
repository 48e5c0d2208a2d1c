import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePolicy, parsePolicy, resourceName, wildcardMatch } from '../../src/protocol/ram-policy.ts';

const ACCOUNT = '1234567890';
const instance = (id: string) => resourceName(ACCOUNT, id);

describe('evaluatePolicy', () => {
  it('allows an action and resource that an Allow statement matches', () => {
    const policy = parsePolicy({ Statement: [{ Effect: 'Allow', Action: 'outboundbot:GetJobGroup', Resource: instance('i-1') }] });
    assert.equal(evaluatePolicy(policy, 'outboundbot:GetJobGroup', instance('i-1')), 'Allow');
  });

  it('denies implicitly what no statement allows', () => {
    const policy = parsePolicy({ Statement: [{ Effect: 'Allow', Action: 'outboundbot:GetJobGroup', Resource: instance('i-1') }] });
    assert.equal(evaluatePolicy(policy, 'outboundbot:DeleteJobGroup', instance('i-1')), 'ImplicitDeny');
    assert.equal(evaluatePolicy(policy, 'outboundbot:GetJobGroup', instance('i-2')), 'ImplicitDeny');
  });

  it('an explicit Deny wins over an Allow, in whichever order they appear', () => {
    const allow = { Effect: 'Allow', Action: 'outboundbot:*', Resource: '*' };
    const deny = { Effect: 'Deny', Action: 'outboundbot:GetJobGroup', Resource: instance('i-1') };
    for (const statements of [[allow, deny], [deny, allow]]) {
      const policy = parsePolicy({ Statement: statements });
      assert.equal(evaluatePolicy(policy, 'outboundbot:GetJobGroup', instance('i-1')), 'ExplicitDeny');
      assert.equal(evaluatePolicy(policy, 'outboundbot:GetJobGroup', instance('i-2')), 'Allow');
    }
  });

  it('a Deny for another action or resource does not deny', () => {
    const policy = parsePolicy({
      Statement: [
        { Effect: 'Allow', Action: 'outboundbot:*', Resource: '*' },
        { Effect: 'Deny', Action: 'outboundbot:Delete*', Resource: '*' },
      ],
    });
    assert.equal(evaluatePolicy(policy, 'outboundbot:ListJobGroups', instance('i-1')), 'Allow');
    assert.equal(evaluatePolicy(policy, 'outboundbot:DeleteJobGroup', instance('i-1')), 'ExplicitDeny');
  });

  it('matches action wildcards such as outboundbot:Get*, case-insensitively', () => {
    const policy = parsePolicy({ Statement: [{ Effect: 'Allow', Action: ['outboundbot:Get*', 'OUTBOUNDBOT:list*'] }] });
    assert.equal(evaluatePolicy(policy, 'outboundbot:GetJobGroup', instance('i-1')), 'Allow');
    assert.equal(evaluatePolicy(policy, 'OutboundBot:getjobgroup', instance('i-1')), 'Allow');
    assert.equal(evaluatePolicy(policy, 'outboundbot:ListJobGroups', instance('i-1')), 'Allow');
    assert.equal(evaluatePolicy(policy, 'outboundbot:ModifyJobGroup', instance('i-1')), 'ImplicitDeny');
    assert.equal(evaluatePolicy(policy, 'otherproduct:GetThing', instance('i-1')), 'ImplicitDeny');
  });

  it('matches resources by instance id, with * and ? patterns, case-sensitively', () => {
    const policy = parsePolicy({
      Statement: [{ Effect: 'Allow', Action: 'outboundbot:*', Resource: [`acs:outboundbot:*:${ACCOUNT}:instance/prod-?`, `acs:outboundbot:*:*:instance/team-*`] }],
    });
    assert.equal(evaluatePolicy(policy, 'outboundbot:GetJobGroup', instance('prod-1')), 'Allow');
    assert.equal(evaluatePolicy(policy, 'outboundbot:GetJobGroup', instance('prod-12')), 'ImplicitDeny');
    assert.equal(evaluatePolicy(policy, 'outboundbot:GetJobGroup', instance('team-a')), 'Allow');
    assert.equal(evaluatePolicy(policy, 'outboundbot:GetJobGroup', instance('TEAM-a')), 'ImplicitDeny');
    assert.equal(evaluatePolicy(policy, 'outboundbot:GetJobGroup', resourceName('999', 'prod-1')), 'ImplicitDeny');
  });
});

describe('resourceName', () => {
  it('names an instance, or every instance when there is none', () => {
    assert.equal(resourceName(ACCOUNT, 'i-1'), `acs:outboundbot:*:${ACCOUNT}:instance/i-1`);
    assert.equal(resourceName(ACCOUNT, undefined), `acs:outboundbot:*:${ACCOUNT}:instance/*`);
  });
});

describe('wildcardMatch', () => {
  it('matches literally without wildcards', () => {
    assert.equal(wildcardMatch('abc', 'abc'), true);
    assert.equal(wildcardMatch('abc', 'abcd'), false);
    assert.equal(wildcardMatch('abcd', 'abc'), false);
    assert.equal(wildcardMatch('', ''), true);
    assert.equal(wildcardMatch('', 'a'), false);
  });

  it('lets * match any run, including an empty one', () => {
    assert.equal(wildcardMatch('*', ''), true);
    assert.equal(wildcardMatch('a*', 'a'), true);
    assert.equal(wildcardMatch('a*c', 'abbbc'), true);
    assert.equal(wildcardMatch('a*c', 'abbbd'), false);
    assert.equal(wildcardMatch('**a**', 'xxa'), true);
    assert.equal(wildcardMatch('*ab', 'aab'), true, 'backtracks after a partial match');
  });

  it('lets ? match exactly one character', () => {
    assert.equal(wildcardMatch('a?c', 'abc'), true);
    assert.equal(wildcardMatch('a?c', 'ac'), false);
    assert.equal(wildcardMatch('a?c', 'abbc'), false);
  });

  it('finishes fast on a pathological pattern like *a*a*a*a*a*b against a long run of a', () => {
    const started = performance.now();
    assert.equal(wildcardMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(20_000)), false);
    assert.ok(performance.now() - started < 1_000, 'linear backtracking, not exponential');
  });

  it('a * in the pattern stays a wildcard where the text has a literal *', () => {
    assert.equal(wildcardMatch('acs:outboundbot:*', `acs:outboundbot:*:${ACCOUNT}:instance/i-1`), true);
    assert.equal(wildcardMatch('a*b', 'a*xb'), true);
  });
});

describe('parsePolicy', () => {
  it('normalises single strings to lists and defaults Version and Resource', () => {
    assert.deepEqual(parsePolicy({ Statement: [{ Effect: 'Allow', Action: 'outboundbot:Get*' }] }), {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['outboundbot:Get*'], Resource: ['*'] }],
    });
  });

  it('rejects documents without statements, with a bad Effect or without Action', () => {
    for (const bad of [
      {},
      { Statement: [] },
      { Statement: [{ Effect: 'Permit', Action: 'outboundbot:*' }] },
      { Statement: [{ Effect: 'Allow' }] },
      { Statement: [{ Effect: 'Allow', Action: [] }] },
      { Statement: [{ Effect: 'Allow', Action: 'outboundbot:*', Resource: 42 }] },
      'not a policy',
    ]) {
      assert.throws(() => parsePolicy(bad), Error, JSON.stringify(bad));
    }
  });
});
