import { z } from 'zod';
import { ATTACHABLE_RECORD_TYPES } from './attachment.service';

const recordRef = {
  recordType: z.enum(ATTACHABLE_RECORD_TYPES),
  recordId: z.string().trim().min(1).max(64),
};

export const uploadQuerySchema = z.strictObject({
  fileName: z.string().trim().min(1).max(255),
  ...recordRef,
});

export const listQuerySchema = z.strictObject(recordRef);

export const attachmentDtoSchema = z.object({
  id: z.string(),
  recordType: z.string(),
  recordId: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.string(),
  createdAt: z.string(),
});
