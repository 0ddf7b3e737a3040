import { runProviderContract } from '../contract/provider-contract.js';
import { AwsFake } from '../fakes/aws-fake.js';
import { ACCOUNT, awsProvider, awsRequest } from './support/aws.js';

const fake = await new AwsFake().start();
fake.state.addRole(ACCOUNT, 'deploy', { maxSessionDuration: 7200 });
fake.state.addRole(ACCOUNT, 'locked', { trustsCaller: false });

runProviderContract('aws', () => awsProvider(fake), awsRequest, {
  invalid: [
    { name: 'a scope that is not an account id', change: { scope: '1234' } },
    { name: 'a role name with a space', change: { role: 'read only' } },
    { name: 'a duration under 15 minutes', change: { durationSeconds: 600 } },
    { name: 'a duration over 12 hours', change: { durationSeconds: 43_201 } },
    { name: 'a session policy that is not JSON', change: { metadata: { aws_session_policy: '{nope' } } },
  ],
  failing: {
    retryable: () => {
      fake.http.inject('sts:AssumeRole', { kind: 'status', status: 503, body: '' }, 3);
      return awsProvider(fake);
    },
    permanent: () => awsProvider(fake, { role_arn_template: 'arn:aws:iam::{scope}:role/locked' }),
  },
  teardown: () => fake.stop(),
});
