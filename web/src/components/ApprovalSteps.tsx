import { useQuery } from '@tanstack/react-query';
import { Space, Steps, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { LocalText } from '../api/types';
import { fmtTime, useLocalText, useUsers } from '../lib';

export interface ApprovalDecision {
  userId: string;
  onBehalfOf?: string;
  decision: 'approve' | 'reject' | 'return';
  comment: string | null;
  at: string;
  round: number;
}
export interface ApprovalStep {
  levelKey: string;
  mode: 'all' | 'any';
  assignees: string[];
  status: 'waiting' | 'pending' | 'approved' | 'rejected' | 'returned';
  round: number;
  decisions: ApprovalDecision[];
}
export interface ApprovalRequest {
  id: string;
  subject: 'quote' | 'contract';
  subjectId: string;
  subjectVersion: number;
  requesterId: string;
  status: 'pending' | 'approved' | 'rejected' | 'returned' | 'withdrawn';
  current: number;
  steps: ApprovalStep[];
  pendingApprovers: string[];
  facts: { amount: number; discountBp: number; marginBp: number | null; paymentTermsDays: number };
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The level names of the authority matrix (审批权限矩阵) of a subject, by level key. */
export function useApprovalLevels(subject: string) {
  const text = useLocalText();
  const q = useQuery({
    queryKey: ['approval-matrix', subject],
    staleTime: 5 * 60_000,
    queryFn: () =>
      api<{ matrix: { levels: Array<{ key: string; name: LocalText }> } }>(
        'GET',
        `/api/approval-matrices/${subject}`,
      ),
  });
  return (key: string) => {
    const level = q.data?.matrix.levels.find((l) => l.key === key);
    return level ? text(level.name) : key;
  };
}

const STEP_STATUS = {
  waiting: 'wait',
  pending: 'process',
  approved: 'finish',
  rejected: 'error',
  returned: 'error',
} as const;
const DECISION_COLOR = { approve: 'green', reject: 'red', return: 'orange' } as const;

/** Each step of an approval with its approvers and every decision and comment. */
export function ApprovalSteps({ request }: { request: ApprovalRequest }) {
  const { t } = useTranslation();
  const users = useUsers();
  const levelName = useApprovalLevels(request.subject);
  const nameOf = (id: string) => users.data?.items.find((u) => u.id === id)?.name ?? id;
  return (
    <Steps
      orientation="vertical"
      size="small"
      current={Math.min(request.current, request.steps.length - 1)}
      data-testid="approval-steps"
      items={request.steps.map((s) => ({
        status: STEP_STATUS[s.status],
        title: (
          <Space wrap>
            <span>{levelName(s.levelKey)}</span>
            <Tag>{t(`ops.approvals.stepStatus.${s.status}`)}</Tag>
            {s.assignees.length > 1 && <Tag>{t(`ops.approvals.mode.${s.mode}`)}</Tag>}
          </Space>
        ),
        description: (
          <Space orientation="vertical" size={2}>
            <Typography.Text type="secondary">
              {t('ops.approvals.assignees')}: {s.assignees.map(nameOf).join('、') || '—'}
            </Typography.Text>
            {s.decisions.map((d) => (
              <Typography.Text key={`${d.userId}:${d.at}`}>
                <Tag color={DECISION_COLOR[d.decision]}>{t(`ops.approvals.decision.${d.decision}`)}</Tag>
                {nameOf(d.userId)}
                {d.onBehalfOf ? ` (${t('ops.approvals.onBehalf', { name: nameOf(d.onBehalfOf) })})` : ''} ·{' '}
                {fmtTime(d.at)}
                {d.comment ? ` · ${d.comment}` : ''}
              </Typography.Text>
            ))}
          </Space>
        ),
      }))}
    />
  );
}
