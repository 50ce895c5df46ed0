/** CreateAcls, DescribeAcls, DeleteAcls: every version round trips; v0 has no pattern type and reads as LITERAL (3). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CreateAclsApi } from '../../../src/protocol/apis/create-acls.js';
import { DeleteAclsApi, type DeleteAclsResponse } from '../../../src/protocol/apis/delete-acls.js';
import { DescribeAclsApi, type DescribeAclsResponse } from '../../../src/protocol/apis/describe-acls.js';
import { Reader } from '../../../src/protocol/reader.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, encodeRequest, hex } from '../../helpers/roundtrip.js';

const creation = { resourceType: 2, resourceName: 'orders', resourcePatternType: 4, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 };
const filter = { resourceTypeFilter: 2, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: 'User:alice', hostFilter: null, operation: 1, permissionType: 1 };
const described: DescribeAclsResponse = {
  throttleTimeMs: 0,
  errorCode: 0,
  errorMessage: null,
  resources: [{ resourceType: 2, resourceName: 'orders', patternType: 4, acls: [{ principal: 'User:alice', host: '*', operation: 3, permissionType: 3 }] }],
};
const deleted: DeleteAclsResponse = {
  throttleTimeMs: 0,
  filterResults: [{ errorCode: 0, errorMessage: null, matchingAcls: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders', patternType: 4, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 }] }],
};

for (let v = 1; v <= 3; v++) {
  test(`v${v} requests and responses round trip`, () => {
    assertRequestRoundTrip(CreateAclsApi, v, { creations: [creation] }, { creations: [creation] });
    assertResponseRoundTrip(CreateAclsApi, v, { throttleTimeMs: 0, results: [{ errorCode: 42, errorMessage: 'bad' }] }, { throttleTimeMs: 0, results: [{ errorCode: 42, errorMessage: 'bad' }] });
    assertRequestRoundTrip(DescribeAclsApi, v, filter, filter);
    assertResponseRoundTrip(DescribeAclsApi, v, described, described);
    assertRequestRoundTrip(DeleteAclsApi, v, { filters: [filter] }, { filters: [filter] });
    assertResponseRoundTrip(DeleteAclsApi, v, deleted, deleted);
  });
}

test('v0 carries no pattern type: a creation or filter decodes as LITERAL', () => {
  assertRequestRoundTrip(CreateAclsApi, 0, { creations: [creation] }, { creations: [{ ...creation, resourcePatternType: 3 }] });
  assertRequestRoundTrip(DescribeAclsApi, 0, filter, { ...filter, patternTypeFilter: 3 });
  assertResponseRoundTrip(DeleteAclsApi, 0, deleted, { throttleTimeMs: 0, filterResults: [{ ...deleted.filterResults[0]!, matchingAcls: [{ ...deleted.filterResults[0]!.matchingAcls[0]!, patternType: 3 }] }] });
});

test('v2 DescribeAcls request exact bytes (flexible: compact strings, tagged-field section)', () => {
  const bytes = encodeRequest(DescribeAclsApi, { resourceTypeFilter: 2, resourceNameFilter: 't', patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 3, permissionType: 3 }, 2);
  assert.equal(bytes, hex('02 0274 03 00 00 03 03 00'));
  assert.equal(DescribeAclsApi.decodeRequest(new Reader(bytes), 2).resourceNameFilter, 't');
});

test.run();
