import { useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Form, List, Modal, Select, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import type { Deal, Stage, Violation } from '../api/types';
import { useLocalText, usePublishedPlaybook } from '../lib';

interface Pending {
  deal: Pick<Deal, 'id' | 'version' | 'name'>;
  to: Stage;
  resolve: (ok: boolean) => void;
}

/**
 * Moving a deal to another stage, for the kanban and the SOP panel alike: a terminal stage asks
 * for its required reason first; a gate refusal (422 STAGE_GATE_UNMET) lists every missing item;
 * a stale version (412) says so. `move` resolves true when the deal moved.
 */
export function useDealMover(stages?: Stage[], path: 'deals' | 'leads' = 'deals') {
  const { t } = useTranslation();
  const lt = useLocalText();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const playbook = usePublishedPlaybook(path === 'leads' ? 'lead' : 'deal');
  const [pending, setPending] = useState<Pending | null>(null);
  const [refusal, setRefusal] = useState<{ to: string; violations: Violation[] } | null>(null);
  const [reasonForm] = Form.useForm<{ reason: string }>();
  const busy = useRef(false);
  const allStages = stages ?? playbook.data?.stages ?? [];
  const stageName = (key: string) => {
    const s = allStages.find((x) => x.key === key);
    return s ? lt(s.name) : t(`stage.${key}`);
  };

  const send = async (deal: Pending['deal'], to: string, reason?: string): Promise<boolean> => {
    try {
      await api(
        'POST',
        `/api/${path}/${deal.id}/move`,
        { toStage: to, ...(reason ? { reason } : {}) },
        {
          ifMatch: deal.version,
        },
      );
      message.success(t('deal.moved', { name: deal.name, stage: stageName(to) }));
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'STAGE_GATE_UNMET') {
        const details = err.details as { violations?: Violation[] } | undefined;
        setRefusal({ to, violations: details?.violations ?? [] });
      } else if (err instanceof ApiError && err.status === 412) {
        message.error(t('record.conflict'));
      } else {
        message.error((err as Error).message);
      }
      return false;
    } finally {
      await queryClient.invalidateQueries({ queryKey: ['sop', path, deal.id] });
      await queryClient.invalidateQueries({ queryKey: ['record', path, deal.id] });
      await queryClient.invalidateQueries({ queryKey: ['kanban'] });
      await queryClient.invalidateQueries({ queryKey: ['list', path] });
      await queryClient.invalidateQueries({ queryKey: ['timeline', path, deal.id] });
    }
  };

  const move = async (deal: Pending['deal'], to: string): Promise<boolean> => {
    if (busy.current) return false;
    const target = allStages.find((s) => s.key === to);
    if (target?.terminal && target.terminal !== 'won' && target.requiredReasons?.length) {
      reasonForm.resetFields();
      return new Promise<boolean>((resolve) => setPending({ deal, to: target, resolve }));
    }
    busy.current = true;
    try {
      return await send(deal, to);
    } finally {
      busy.current = false;
    }
  };

  const modals = (
    <>
      <Modal
        open={!!pending}
        title={pending ? t('deal.reasonTitle', { stage: lt(pending.to.name) }) : ''}
        okText={t('deal.move')}
        cancelText={t('common.cancel')}
        onCancel={() => {
          pending?.resolve(false);
          setPending(null);
        }}
        onOk={async () => {
          const { reason } = await reasonForm.validateFields();
          const p = pending!;
          setPending(null);
          p.resolve(await send(p.deal, p.to.key, reason));
        }}
        destroyOnHidden
      >
        <Form form={reasonForm} layout="vertical">
          <Form.Item
            name="reason"
            label={t('deal.reason')}
            rules={[{ required: true, message: t('deal.reasonRequired') }]}
          >
            <Select
              data-testid="move-reason"
              options={(pending?.to.requiredReasons ?? []).map((r) => ({
                value: r.value,
                label: lt(r.label),
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!refusal}
        title={refusal ? t('deal.gateTitle', { stage: stageName(refusal.to) }) : ''}
        onCancel={() => setRefusal(null)}
        onOk={() => setRefusal(null)}
        okText={t('common.ok')}
        cancelButtonProps={{ style: { display: 'none' } }}
      >
        <div data-testid="gate-refusal">
          <Alert type="warning" showIcon message={t('deal.gateIntro')} style={{ marginBottom: 12 }} />
          <List
            size="small"
            dataSource={refusal?.violations ?? []}
            renderItem={(v) => (
              <List.Item>
                <Typography.Text>{lt(v.message)}</Typography.Text>
              </List.Item>
            )}
          />
        </div>
      </Modal>
    </>
  );
  return { move, modals };
}
