import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { AclAdmin } from '../../client/acl-admin.js';
import {
  AclOperation,
  AclPermissionType,
  CLUSTER_RESOURCE_NAME,
  codeName,
  PatternType,
  ResourceType,
  type AclBinding,
  type AclBindingFilter,
} from '../../security/acl.js';
import { clusterOptions, connectClient, type ClusterArgs } from '../cluster-access.js';
import { formatTable, withClient } from '../output.js';

interface AclArgs extends ClusterArgs {
  'allow-principal': string[];
  'deny-principal': string[];
  principal?: string;
  host: string;
  operation: string[];
  topic: string[];
  group: string[];
  'transactional-id': string[];
  cluster: boolean;
  'resource-pattern-type': string;
  json: boolean;
}

/** `read`, `describe-configs`: Kafka's operation names, lower case and dashed as kafka-acls takes them. */
const OPERATION_NAMES = Object.keys(AclOperation)
  .filter((n) => n !== 'UNKNOWN' && n !== 'ANY')
  .map((n) => n.toLowerCase().replace(/_/g, '-'));

const list = (describe: string) => ({ type: 'string', array: true, default: [] as string[], describe }) as const;

function withAclOptions(y: Argv, patternTypes: string[], patternDefault: string): Argv<AclArgs> {
  return y
    .option('allow-principal', list('Principal the ACL allows, User:name (User:* for everyone); repeatable'))
    .option('deny-principal', list('Principal the ACL denies (a DENY wins over every ALLOW); repeatable'))
    .option('host', { type: 'string', default: '*', describe: 'Client address the ACL applies to (* for any)' })
    .option('operation', { ...list(`Operation: ${OPERATION_NAMES.join(', ')}; repeatable`), choices: OPERATION_NAMES })
    .option('topic', list('Topic resource; repeatable'))
    .option('group', list('Consumer group resource; repeatable'))
    .option('transactional-id', list('Transactional id resource; repeatable'))
    .option('cluster', { type: 'boolean', default: false, describe: 'The cluster resource (kafka-cluster)' })
    .option('resource-pattern-type', { type: 'string', choices: patternTypes, default: patternDefault, describe: 'literal: the names themselves (* matches all); prefixed: every name that starts with them' }) as Argv<AclArgs>;
}

function resources(args: AclArgs): { resourceType: number; resourceName: string }[] {
  return [
    ...args.topic.map((resourceName) => ({ resourceType: ResourceType.TOPIC, resourceName })),
    ...args.group.map((resourceName) => ({ resourceType: ResourceType.GROUP, resourceName })),
    ...args['transactional-id'].map((resourceName) => ({ resourceType: ResourceType.TRANSACTIONAL_ID, resourceName })),
    ...(args.cluster ? [{ resourceType: ResourceType.CLUSTER, resourceName: CLUSTER_RESOURCE_NAME }] : []),
  ];
}

const operationCode = (name: string) => AclOperation[name.toUpperCase().replace(/-/g, '_') as keyof typeof AclOperation];
const patternCode = (name: string) => PatternType[name.toUpperCase() as keyof typeof PatternType];

function principals(args: AclArgs): { principal: string; permissionType: number }[] {
  const all = [...args['allow-principal'].map((principal) => ({ principal, permissionType: AclPermissionType.ALLOW as number })), ...args['deny-principal'].map((principal) => ({ principal, permissionType: AclPermissionType.DENY as number }))];
  const bad = all.find((p) => !/^[^:]+:.+$/.test(p.principal));
  if (bad) throw new UserError(`${JSON.stringify(bad.principal)} is not a principal: User:name (User:* for everyone)`, 2);
  return all;
}

/** Every (resource, principal, operation) the flags name, as kafka-acls --add makes them. */
function bindingsOf(args: AclArgs): AclBinding[] {
  const named = resources(args);
  const who = principals(args);
  if (named.length === 0) throw new UserError('name a resource: --topic, --group, --transactional-id or --cluster', 2);
  if (who.length === 0) throw new UserError('name who: --allow-principal User:name or --deny-principal User:name', 2);
  if (args.operation.length === 0) throw new UserError(`name an --operation (${OPERATION_NAMES.join(', ')})`, 2);
  const patternType = patternCode(args['resource-pattern-type']);
  return named.flatMap((r) => who.flatMap((p) => args.operation.map((op) => ({ ...r, patternType, ...p, host: args.host, operation: operationCode(op) }))));
}

/** Filters for list and remove: each named resource (or any), principal and operation when given, else any. */
function filtersOf(args: AclArgs, requireResource: boolean): AclBindingFilter[] {
  const named = resources(args);
  if (requireResource && named.length === 0) throw new UserError('name the resource whose ACLs to remove: --topic, --group, --transactional-id or --cluster', 2);
  const who = args.principal !== undefined ? [{ principal: args.principal, permissionType: AclPermissionType.ANY as number }] : principals(args);
  const ops = args.operation.length > 0 ? args.operation.map(operationCode) : [AclOperation.ANY];
  const targets = named.length > 0 ? named : [{ resourceType: ResourceType.ANY, resourceName: null }];
  const whom = who.length > 0 ? who : [{ principal: null, permissionType: AclPermissionType.ANY as number }];
  const host = args.host === '*' ? null : args.host;
  return targets.flatMap((r) => whom.flatMap((p) => ops.map((operation) => ({ ...r, patternType: patternCode(args['resource-pattern-type']), ...p, host, operation }))));
}

function printAcls(acls: AclBinding[], json: boolean): void {
  if (json) {
    const named = acls.map((a) => ({
      resourceType: codeName(ResourceType, a.resourceType),
      resourceName: a.resourceName,
      patternType: codeName(PatternType, a.patternType),
      principal: a.principal,
      host: a.host,
      operation: codeName(AclOperation, a.operation),
      permissionType: codeName(AclPermissionType, a.permissionType),
    }));
    return void process.stdout.write(JSON.stringify(named, null, 2) + '\n');
  }
  if (acls.length === 0) return void process.stdout.write('no ACLs\n');
  const rows = acls.map((a) => [codeName(ResourceType, a.resourceType), a.resourceName, codeName(PatternType, a.patternType), a.principal, a.host, codeName(AclOperation, a.operation), codeName(AclPermissionType, a.permissionType)]);
  process.stdout.write(formatTable(['RESOURCE', 'NAME', 'PATTERN', 'PRINCIPAL', 'HOST', 'OPERATION', 'PERMISSION'], rows));
}

/** Dedupes the ACLs several filters matched (remove's answer has one list per filter). */
function distinctAcls(acls: AclBinding[]): AclBinding[] {
  const seen = new Set<string>();
  return acls.filter((a) => {
    const key = JSON.stringify(a);
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}

export const aclCommand: CommandModule = {
  command: 'acl <action>',
  describe: 'Add, list and remove ACLs (as kafka-acls; needs a super user, such as the admin yak up made, or ALTER/DESCRIBE on the cluster)',
  builder: (y: Argv) =>
    y
      .options(clusterOptions)
      .option('json', { type: 'boolean', default: false, describe: 'Machine-readable output' })
      .command<AclArgs>({
        command: 'add',
        describe: 'Add ACLs: every --operation for every principal on every resource named',
        builder: (c) => withAclOptions(c, ['literal', 'prefixed'], 'literal'),
        handler: (args) =>
          withClient(connectClient(args, 'yak-acl'), async (client) => {
            const bindings = bindingsOf(args);
            await new AclAdmin(client).create(bindings);
            if (!args.json) process.stdout.write(`added ${bindings.length} ACL${bindings.length === 1 ? '' : 's'}\n`);
            printAcls(bindings, args.json);
          }),
      })
      .command<AclArgs>({
        command: 'list',
        describe: 'List ACLs (all, or those of the resources named; --resource-pattern-type match: every ACL that applies to them)',
        builder: (c) => withAclOptions(c, ['any', 'match', 'literal', 'prefixed'], 'any').option('principal', { type: 'string', describe: 'Only the ACLs of this principal' }) as Argv<AclArgs>,
        handler: (args) =>
          withClient(connectClient(args, 'yak-acl'), async (client) => {
            const admin = new AclAdmin(client);
            const found = distinctAcls((await Promise.all(filtersOf(args, false).map((f) => admin.describe(f)))).flat());
            printAcls(found, args.json);
          }),
      })
      .command<AclArgs>({
        command: 'remove',
        describe: "Remove the named resources' ACLs (only those of the principals, operations and host given, when given)",
        builder: (c) => withAclOptions(c, ['any', 'literal', 'prefixed'], 'literal').option('principal', { type: 'string', describe: 'Only the ACLs of this principal, ALLOW or DENY' }) as Argv<AclArgs>,
        handler: (args) =>
          withClient(connectClient(args, 'yak-acl'), async (client) => {
            const removed = distinctAcls(await new AclAdmin(client).delete(filtersOf(args, true)));
            if (!args.json) process.stdout.write(`removed ${removed.length} ACL${removed.length === 1 ? '' : 's'}\n`);
            if (removed.length > 0 || args.json) printAcls(removed, args.json);
          }),
      })
      .demandCommand(1, 'name an action: add, list or remove'),
  handler: () => undefined,
};
