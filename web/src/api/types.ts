// What the API returns (DTOs), mirrored from the server's schemas.
export interface Me {
  user: { id: string; email: string; name: string; role: string; orgUnitId: string | null; locale: string };
  tenant: { id: string; name: string; timeZone: string };
  csrfToken: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

export interface RecordBase {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  ownerId?: string | null;
  ownerName?: string | null;
}

export interface Lead extends RecordBase {
  name: string;
  companyName: string | null;
  mobile: string | null;
  source: string;
  grade: string | null;
  status: string;
  firstContactAt: string | null;
}

export interface Account extends RecordBase {
  name: string;
  industry: string | null;
  region: string | null;
  grade: string | null;
  creditCode: string | null;
}

export interface Deal extends RecordBase {
  name: string;
  accountId: string;
  amount: number;
  currency: string;
  stage: string;
  status: string;
  expectedCloseDate: string;
}

export interface Contact extends RecordBase {
  name: string;
  title: string | null;
  mobile: string | null;
  accountId: string;
}
