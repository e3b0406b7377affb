import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Collapse,
  Descriptions,
  Space,
  Spin,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Breach, Deal, Me, SopPanel as SopPanelData } from '../api/types';
import { fmtTime, useLocalText, usePlaybookVersion } from '../lib';
import { useDealMover } from './DealMover';
import { SlaClocks } from './SlaClocks';
import { SopFormRenderer } from './SopFormRenderer';

/** A deal's SOP panel: stage, clocks, checklist (关键动作), deliverables (交付物), and the moves on. */
export function SopPanel({
  entity = 'deals',
  deal,
  me,
  canWrite,
}: {
  entity?: 'deals' | 'leads';
  deal: Pick<Deal, 'id' | 'version' | 'name' | 'createdAt'> & { stage?: string; status?: string };
  me: Me;
  canWrite: boolean;
}) {
  const base = `/api/${entity}/${deal.id}`;
  const { t } = useTranslation();
  const lt = useLocalText();
  const queryClient = useQueryClient();
  const sop = useQuery({
    queryKey: ['sop', entity, deal.id],
    queryFn: () => api<SopPanelData>('GET', `${base}/sop`),
  });
  const breaches = useQuery({
    queryKey: ['breaches', 'record', deal.id],
    queryFn: () => api<{ items: Breach[] }>('GET', `/api/breaches?recordId=${deal.id}`),
  });
  const version = usePlaybookVersion(sop.data?.playbookVersionId);
  const { move, modals } = useDealMover(version.data?.stages, entity);
  const stageName = (key: string) => {
    const s = version.data?.stages.find((x) => x.key === key);
    return s ? lt(s.name) : t(`stage.${key}`);
  };
  const [ticking, setTicking] = useState<string | null>(null);
  const [checkError, setCheckError] = useState<string | null>(null);

  if (sop.isLoading)
    return (
      <Card title={t('sop.title')}>
        <Spin />
      </Card>
    );
  if (sop.error)
    return (
      <Card title={t('sop.title')}>
        <Alert type="error" showIcon message={t('list.error', { message: (sop.error as Error).message })} />
      </Card>
    );
  const data = sop.data!;
  const stage = data.stage;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['sop', entity, deal.id] });
  const tick = async (key: string, done: boolean) => {
    setTicking(key);
    setCheckError(null);
    try {
      await api('PUT', `${base}/sop/checklist/${key}`, { done });
      await refresh();
    } catch (err) {
      setCheckError((err as Error).message);
    } finally {
      setTicking(null);
    }
  };

  return (
    <Card title={t('sop.title')} data-testid="sop-panel">
      {modals}
      <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('sop.currentStage')}>
          <Tag color="blue" data-testid="sop-stage">
            {stage ? lt(stage.name) : stageName(String(deal.stage ?? ''))}
          </Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('sop.enteredAt')}>{fmtTime(data.stageEnteredAt)}</Descriptions.Item>
        <Descriptions.Item label={t('sop.clocks')}>
          <SlaClocks
            stage={stage}
            stageEnteredAt={data.stageEnteredAt}
            createdAt={deal.createdAt}
            timeZone={me.tenant.timeZone}
            breaches={breaches.data?.items}
            clocks={data.clocks}
          />
        </Descriptions.Item>
      </Descriptions>

      {!!stage?.checklist.length && (
        <>
          <Typography.Title level={5}>{t('sop.checklist')}</Typography.Title>
          {checkError && <Alert type="error" showIcon message={checkError} style={{ marginBottom: 8 }} />}
          <Space direction="vertical" style={{ marginBottom: 16, width: '100%' }}>
            {stage.checklist.map((a) => (
              <div key={a.key}>
                <Checkbox
                  checked={!!data.state.checklist[a.key]}
                  disabled={!canWrite || ticking === a.key}
                  onChange={(e) => tick(a.key, e.target.checked)}
                  data-testid={`check-${a.key}`}
                >
                  {lt(a.name)}
                  {a.required && <Tag style={{ marginLeft: 8 }}>{t('sop.required')}</Tag>}
                </Checkbox>
                {a.standard && (
                  <Typography.Paragraph type="secondary" style={{ margin: '2px 0 0 24px' }}>
                    {t('sop.standard')}
                    {lt(a.standard)}
                  </Typography.Paragraph>
                )}
              </div>
            ))}
          </Space>
        </>
      )}

      {!!stage?.forms.length && (
        <>
          <Typography.Title level={5}>{t('sop.forms')}</Typography.Title>
          <Collapse
            style={{ marginBottom: 16 }}
            items={stage.forms.map((f) => ({
              key: f.key,
              label: (
                <Space wrap>
                  <span>{lt(f.name)}</span>
                  {f.required && <Tag>{t('sop.required')}</Tag>}
                  {data.state.forms[f.key] ? (
                    <Tag color="green">{t('sop.submitted')}</Tag>
                  ) : (
                    <Tag color="orange">{t('sop.notSubmitted')}</Tag>
                  )}
                </Space>
              ),
              children: (
                <SopFormRenderer
                  basePath={base}
                  form={f}
                  submitted={data.state.forms[f.key]}
                  disabled={!canWrite}
                  onSaved={refresh}
                />
              ),
            }))}
          />
        </>
      )}

      {data.next.length > 0 && (
        <>
          <Typography.Title level={5}>{t('sop.next')}</Typography.Title>
          <Space direction="vertical" style={{ width: '100%' }}>
            {data.next.map((n) => (
              <div key={n.stage}>
                <Space wrap>
                  <Tooltip title={n.ready ? t('sop.ready') : t('sop.notReady')}>
                    <Button
                      type={n.ready ? 'primary' : 'default'}
                      danger={n.stage === 'lost'}
                      disabled={!canWrite}
                      data-testid={`move-${n.stage}`}
                      onClick={() => move({ id: deal.id, version: deal.version, name: deal.name }, n.stage)}
                    >
                      {t('sop.moveTo', { stage: stageName(n.stage) })}
                    </Button>
                  </Tooltip>
                  {n.ready ? (
                    <Tag color="green">{t('sop.ready')}</Tag>
                  ) : (
                    <Tag color="orange">{t('sop.missing', { count: n.violations.length })}</Tag>
                  )}
                </Space>
                {!n.ready && (
                  <ul style={{ margin: '4px 0 0', paddingLeft: 20 }} data-testid={`gate-${n.stage}`}>
                    {n.violations.map((v) => (
                      <li
                        key={`${v.kind}-${v.formKey ?? ''}-${v.fieldKey ?? ''}-${v.actionKey ?? ''}-${lt(v.message)}`}
                      >
                        <Typography.Text type="secondary">{lt(v.message)}</Typography.Text>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            ))}
          </Space>
        </>
      )}
      {!stage?.allowedNext.length && <Alert type="info" showIcon message={t('sop.closed')} />}
    </Card>
  );
}
