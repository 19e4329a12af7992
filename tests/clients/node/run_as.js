// The Node.js V3 SDK against the fake cloud server, as a Node user would write it: the root key
// from GET /_fake/account; RAM sets up commandUser (the allow-list policy and
// AliyunECSReadOnlyAccess); commandUser runs `whoami` as user01 and is
// refused as root. Prints one JSON object for tests/clients/test_node_sdk.py to check.
// Usage: node run_as.js http://127.0.0.1:PORT INSTANCE_ID POLICY_DOCUMENT_FILE
'use strict';

const fs = require('fs');
const OpenApi = require('@alicloud/openapi-client');
const Ecs = require('@alicloud/ecs20140526');
const Ram = require('@alicloud/ram20150501');

const [url, instanceId, policyFile] = process.argv.slice(2);
const region = 'cn-hangzhou';

function config(keyId, secret) {
  return new OpenApi.Config({
    accessKeyId: keyId,
    accessKeySecret: secret,
    regionId: region,
    endpoint: new URL(url).host,
    protocol: 'HTTP',
    connectTimeout: 5000,
    readTimeout: 5000,
  });
}

async function finalResult(ecs, invokeId) {
  for (let poll = 0; poll < 10; poll++) {
    const body = (await ecs.describeInvocationResults(new Ecs.DescribeInvocationResultsRequest({
      regionId: region, invokeId, contentEncoding: 'PlainText',
    }))).body;
    const result = body.invocation.invocationResults.invocationResult[0];
    if (!['Pending', 'Running'].includes(result.invocationStatus)) return result;
  }
  throw new Error(`${invokeId} is still running after 10 polls`);
}

async function main() {
  const account = await (await fetch(`${url}/_fake/account`)).json();
  const ram = new Ram.default(config(account.RootAccessKeyId, account.RootAccessKeySecret));
  await ram.createUser(new Ram.CreateUserRequest({ userName: 'commandUser' }));
  await ram.createPolicy(new Ram.CreatePolicyRequest({
    policyName: 'commandUserPolicy', policyDocument: fs.readFileSync(policyFile, 'utf8'),
  }));
  for (const [policyType, policyName] of [
    ['Custom', 'commandUserPolicy'], ['System', 'AliyunECSReadOnlyAccess']]) {
    await ram.attachPolicyToUser(new Ram.AttachPolicyToUserRequest({
      policyType, policyName, userName: 'commandUser',
    }));
  }
  const key = (await ram.createAccessKey(
    new Ram.CreateAccessKeyRequest({ userName: 'commandUser' }))).body.accessKey;
  const users = (await ram.listUsers(new Ram.ListUsersRequest({}))).body.users.user;

  const ecs = new Ecs.default(config(key.accessKeyId, key.accessKeySecret));
  const run = (username) => ecs.runCommand(new Ecs.RunCommandRequest({
    regionId: region, type: 'RunShellScript', commandContent: 'whoami',
    instanceId: [instanceId], username,
  }));
  const started = (await run('user01')).body;
  const result = await finalResult(ecs, started.invokeId);

  let refusal = null;
  try {
    await run('root');
  } catch (err) {
    refusal = { code: err.code, statusCode: err.statusCode,
      authAction: (err.accessDeniedDetail || {}).AuthAction };
  }

  const asUser = new Ram.default(config(key.accessKeyId, key.accessKeySecret));
  let ramRefusal = null;
  try {
    await asUser.createUser(new Ram.CreateUserRequest({ userName: 'intruder' }));
  } catch (err) {
    ramRefusal = { code: err.code, statusCode: err.statusCode };
  }

  console.log(JSON.stringify({
    users: users.map((u) => u.userName),
    invokeId: started.invokeId,
    status: result.invocationStatus,
    output: result.output,
    username: result.username,
    refusal,
    ramRefusal,
  }));
}

main().catch((err) => {
  console.error(`${err.name}: ${err.code || ''} ${err.message}`);
  process.exit(1);
});
