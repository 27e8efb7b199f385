import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  LATENCY_BOUNDS_MS,
  LATENCY_BUCKETS,
  latencyBucket,
  latencyQuantile,
  usageOutcome,
} from '../../src/domain/index.ts';

describe('usage statistics', () => {
  test('each ledger outcome and code is counted as exactly one usage outcome', () => {
    assert.equal(usageOutcome('allowed', null), 'answered');
    assert.equal(usageOutcome('allowed', ''), 'answered');
    assert.equal(usageOutcome('allowed', 'NOT_FOUND'), 'not_found');
    assert.equal(usageOutcome('denied', 'NO_AGREEMENT'), 'refused');
    assert.equal(usageOutcome('denied', 'NOT_FOUND'), 'refused', 'a service that does not exist is refused');
    assert.equal(usageOutcome('failed', 'PROVIDER_TIMEOUT'), 'failed');
  });

  test('a latency falls in the first bucket whose bound it does not exceed, or the last', () => {
    assert.equal(latencyBucket(0), 0);
    assert.equal(latencyBucket(1), 0);
    assert.equal(latencyBucket(1.01), 1);
    assert.equal(latencyBucket(30000), LATENCY_BOUNDS_MS.length - 1);
    assert.equal(latencyBucket(30001), LATENCY_BUCKETS - 1);
  });

  test('quantiles interpolate inside the bucket, as histogram_quantile does', () => {
    const counts = new Array(LATENCY_BUCKETS).fill(0);
    assert.equal(latencyQuantile(counts, 0.5), null, 'no calls, no quantile');
    // 10 calls in (2, 5] ms: the median is halfway, 3.5 ms; p95 at 95% of the way, 4.85 ms.
    counts[2] = 10;
    assert.equal(latencyQuantile(counts, 0.5), 3.5);
    assert.equal(latencyQuantile(counts, 0.95), 4.85);
    // 90 more in [0, 1] ms: the median moves there; p95 stays in (2, 5].
    counts[0] = 90;
    assert.equal(latencyQuantile(counts, 0.5), 0.56);
    assert.equal(latencyQuantile(counts, 0.95), 3.5);
    // Above the last bound, the last bound is all that is known.
    const slow = new Array(LATENCY_BUCKETS).fill(0);
    slow[LATENCY_BUCKETS - 1] = 3;
    assert.equal(latencyQuantile(slow, 0.5), 30000);
  });
});
