import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Grant,
  globalRolesChanged,
  grantableRoles,
  holdsRole,
  type Principal,
  tokenGrants,
} from '../../src/domain/index.ts';

const person = (grants: Grant[]): Principal => ({
  personId: 'p',
  name: 'P',
  nationalId: null,
  grants,
  via: 'token',
});

describe('role rules', () => {
  test('a role counts only in the organization it is held in', () => {
    const steward = person([{ role: 'data_steward', organizationId: 'tax' }]);
    assert.equal(holdsRole(steward, ['data_steward'], 'tax'), true);
    assert.equal(holdsRole(steward, ['data_steward'], 'health'), false);
    assert.equal(holdsRole(steward, ['organization_admin'], 'tax'), false);
  });

  test('a platform admin passes every check; an auditor passes auditor checks everywhere', () => {
    assert.equal(
      holdsRole(person([{ role: 'platform_admin', organizationId: 'gov' }]), ['data_steward'], 'tax'),
      true,
    );
    const auditor = person([{ role: 'auditor', organizationId: 'dpa' }]);
    assert.equal(holdsRole(auditor, ['auditor'], 'tax'), true);
    assert.equal(holdsRole(auditor, ['data_steward'], 'tax'), false);
  });

  test('no grants, no access', () => {
    assert.equal(holdsRole(person([]), ['data_steward', 'auditor', 'organization_admin'], null), false);
  });

  test('a token loses a role its creator no longer holds in its organization, and says which', () => {
    const creator: Grant[] = [
      { role: 'data_steward', organizationId: 'tax' },
      { role: 'organization_admin', organizationId: 'health' },
    ];
    assert.deepEqual(tokenGrants(['data_steward', 'organization_admin'], 'tax', creator), {
      grants: [{ role: 'data_steward', organizationId: 'tax' }],
      lost: ['organization_admin'],
    });
    assert.deepEqual(tokenGrants(['data_steward'], 'tax', []), { grants: [], lost: ['data_steward'] });
  });

  test("a platform admin's token for an organization role they do not hold there is refused at use", () => {
    const admin: Grant[] = [{ role: 'platform_admin', organizationId: 'gov' }];
    assert.deepEqual(tokenGrants(['data_steward'], 'tax', admin), { grants: [], lost: ['data_steward'] });
    assert.deepEqual(tokenGrants(['platform_admin'], 'tax', admin), {
      grants: [{ role: 'platform_admin', organizationId: 'tax' }],
      lost: [],
    });
  });

  test('one may put on a token only roles one holds there; a platform admin is no official of any organization', () => {
    assert.deepEqual(grantableRoles([{ role: 'data_steward', organizationId: 'tax' }], 'tax'), [
      'data_steward',
    ]);
    assert.deepEqual(grantableRoles([{ role: 'data_steward', organizationId: 'tax' }], 'health'), []);
    assert.deepEqual(grantableRoles([{ role: 'platform_admin', organizationId: 'gov' }], 'tax'), [
      'platform_admin',
    ]);
    assert.deepEqual(
      grantableRoles(
        [
          { role: 'platform_admin', organizationId: 'gov' },
          { role: 'data_steward', organizationId: 'tax' },
        ],
        'tax',
      ),
      ['platform_admin', 'data_steward'],
    );
  });

  test('a change of roles touches the global roles when it grants or removes platform admin or auditor', () => {
    assert.deepEqual(globalRolesChanged(['auditor', 'data_steward'], ['data_steward']), ['auditor']);
    assert.deepEqual(globalRolesChanged([], ['platform_admin']), ['platform_admin']);
    assert.deepEqual(globalRolesChanged(['auditor'], ['auditor', 'legal_reviewer']), []);
  });
});
