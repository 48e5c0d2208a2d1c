import { z } from 'zod';
import { withE164 } from '../../domain/phone-number.ts';
import { defineAction, type ActionDefinition } from '../action.ts';
import { blockListEntryShape } from '../dialog-shapes.ts';
import { p } from '../params.ts';
import { pageShape } from '../shapes.ts';
import { inInstance, pageRequest, requiredPage } from './common-params.ts';

/** The instance's contact block list: numbers never dialled for any of its groups. */

const blockEntrySchema = z
  .array(
    z.object({
      phoneNumber: z.string().max(32),
      name: z.string().max(256).optional(),
      remark: z.string().max(1024).optional(),
      creator: z.string().max(256).optional(),
    }).transform(withE164),
  )
  .min(1)
  .max(1000);

const saveContactBlockList = defineAction({
  name: 'SaveContactBlockList', summary: 'Adds numbers to the instance\'s block list: never dialled for any of its groups. Numbers already listed are kept.',
  params: inInstance({
    ContactBlockListsJson: p.json(blockEntrySchema, { maxLength: 500_000, description: 'JSON array of {phoneNumber, name, remark, creator}.' }).require(),
    ContactBlockListList: p.stringArray({ maxItems: 1000, description: 'Deprecated; ignored.' }),
  }),
  async handler({ caller, services }, params) {
    return { AffectedRows: await services.blockList.save(caller.accountId, params.InstanceId, params.ContactBlockListsJson) };
  },
});

const getContactBlockList = defineAction({
  name: 'GetContactBlockList', summary: 'Lists the instance\'s block list, newest first; SearchPattern matches part of the number, name or remark.',
  params: inInstance({
    ...requiredPage(),
    SearchPattern: p.string({ maxLength: 256, description: 'Filter: part of the number, name or remark.' }),
    CountTotalRow: p.boolean({ description: 'Accepted; the total is always counted.' }),
  }),
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const result = await services.blockList.list(caller.accountId, params.InstanceId, params.SearchPattern, page);
    return { ContactBlocklistList: pageShape(result, page, blockListEntryShape) };
  },
});

const deleteContactBlockList = defineAction({
  name: 'DeleteContactBlockList', summary: 'Removes one entry from the instance\'s block list.',
  params: inInstance({
    ContactBlockListId: p.string({ maxLength: 64, description: 'Entry ID (GetContactBlockList).' }).require(),
    Operator: p.string({ maxLength: 256, description: 'Who removes it (informational).' }),
  }),
  async handler({ caller, services }, params) {
    await services.blockList.delete(caller.accountId, params.InstanceId, params.ContactBlockListId);
    return { AffectedRows: 1 };
  },
});

export const BLOCK_LIST_ACTIONS: readonly ActionDefinition[] = [saveContactBlockList, getContactBlockList, deleteContactBlockList];
