import { InboxOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Input,
  Progress,
  Result,
  Row,
  Select,
  Space,
  Statistic,
  Steps,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, uploadFile } from '../api/client';
import { downloadFile } from '../downloadFile';

export type ImportEntityPath =
  | 'leads'
  | 'accounts'
  | 'contacts'
  | 'deals'
  | 'activities'
  | 'products'
  | 'payments';
export const IMPORT_ENTITY_PATHS: readonly ImportEntityPath[] = [
  'leads',
  'accounts',
  'contacts',
  'deals',
  'activities',
  'products',
  'payments',
];

/** The fields an import can fill per entity (server `import-fields.ts`). */
const IMPORT_FIELDS: Record<ImportEntityPath, readonly string[]> = {
  leads: [
    'name',
    'companyName',
    'title',
    'mobile',
    'phone',
    'email',
    'wechat',
    'creditCode',
    'source',
    'grade',
    'status',
    'industry',
    'region',
    'notes',
    'ownerId',
  ],
  accounts: [
    'name',
    'creditCode',
    'industry',
    'region',
    'size',
    'grade',
    'source',
    'phone',
    'address',
    'website',
    'notes',
    'ownerId',
  ],
  contacts: [
    'accountName',
    'accountId',
    'name',
    'title',
    'mobile',
    'email',
    'wechat',
    'decisionRole',
    'notes',
    'ownerId',
  ],
  deals: [
    'accountName',
    'accountId',
    'name',
    'amount',
    'currency',
    'expectedCloseDate',
    'stage',
    'probability',
    'source',
    'lostReason',
    'notes',
    'ownerId',
  ],
  activities: [
    'kind',
    'subject',
    'notes',
    'outcome',
    'nextStep',
    'nextContactAt',
    'occurredAt',
    'durationMinutes',
    'accountName',
    'accountId',
    'leadId',
    'ownerId',
  ],
  products: [
    'sku',
    'name',
    'productLine',
    'spec',
    'model',
    'unit',
    'listPrice',
    'cost',
    'currency',
    'status',
    'description',
  ],
  payments: [
    'contractNumber',
    'accountName',
    'amount',
    'receivedOn',
    'method',
    'reference',
    'note',
    'currency',
  ],
};
const ENCODINGS = ['utf-8', 'gb18030', 'gbk', 'utf-16le', 'utf-16be'] as const;
/** Cleaned enumeration values shown in the UI language (keys of the core translations). */
const ENUM_PREFIX: Record<string, string> = {
  source: 'source',
  leadStatus: 'leadStatus',
  stage: 'stage',
  size: 'size',
  decisionRole: 'decisionRole',
};

interface RowIssue {
  field: string;
  code: string;
  message: string;
}
interface RowView {
  rowNo: number;
  status: string;
  input: Record<string, unknown> | null;
  errors: RowIssue[];
  recordId: string | null;
}
export interface ImportJob {
  id: string;
  entity: string;
  fileName: string;
  format: string;
  encoding: string | null;
  status: 'validating' | 'invalid' | 'validated' | 'running' | 'committed' | 'failed' | 'undone';
  headers: string[];
  mapping: Record<string, string | null>;
  counts: { total: number; valid: number; rejected: number; skipped: number; created: number };
  progress: { done: number; total: number };
  /** Reading the file: rows checked and bytes read (of totalBytes). */
  validation: { rows: number; bytes: number; totalBytes: number | null } | null;
  report: {
    unknownHeaders: string[];
    emptyLines: number;
    formulaCells: Array<{ rowNo: number; column: string; hasValue: boolean }>;
    possibleDuplicates: Array<{ rowNo: number; otherRowNo?: number; existingId?: string; score: number }>;
    /** Whether similar names were looked for; skipped when even blocked matching would take too long. */
    fuzzyDuplicateCheck?: 'complete' | 'skipped_too_large' | 'not_applicable';
    fuzzyDuplicateMessage?: string | null;
    issuesByField: Record<string, number>;
    possibleDuplicatesTotal?: number;
    errorMessage?: string | null;
    undo?: { undone: number; changed: Array<{ rowNo: number; recordId: string }> };
  };
  preview?: RowView[];
  rejected?: RowView[];
  createdAt: string;
  committedAt: string | null;
  undoneAt: string | null;
}
interface SavedMapping {
  id: string;
  name: string;
  mapping: Record<string, string | null>;
}

const STATUS_COLOR: Record<string, string> = {
  valid: 'green',
  imported: 'green',
  rejected: 'red',
  skipped: 'default',
  undone: 'default',
};

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** 1.5 MB, 820 KB: a size for progress lines. */
export function fmtBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(0, Math.round(n / 1024))} KB`;
}

/** 导入向导: upload, mapping, validation report, commit with progress, rejected rows, undo. */
export function ImportWizard({
  initialEntity,
  initialJobId,
  onChanged,
}: {
  initialEntity: ImportEntityPath;
  initialJobId?: string;
  onChanged?: () => void;
}) {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [entity, setEntity] = useState<ImportEntityPath>(initialEntity);
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState<string | undefined>();
  const [savedMappingId, setSavedMappingId] = useState<string | undefined>();
  const [headers, setHeaders] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [job, setJob] = useState<ImportJob | null>(null);
  const [step, setStep] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saveName, setSaveName] = useState('');
  const [saving, setSaving] = useState(false);
  /** Bytes sent of the file while it uploads. */
  const [sent, setSent] = useState<{ loaded: number; total: number } | null>(null);
  /** The job while the server reads and checks the file. */
  const [checking, setChecking] = useState<ImportJob | null>(null);

  // Fields only an import names (activity, product and payment columns) have their own labels.
  const fieldLabel = (f: string) =>
    f === 'accountName'
      ? t('ops.import.accountName')
      : t(`ops.import.fields.${f}`, { defaultValue: t(`fields.${f}`, { defaultValue: f }) });

  const mappings = useQuery({
    queryKey: ['import-mappings', entity],
    queryFn: () => api<{ items: SavedMapping[] }>('GET', `/api/import-mappings?entity=${entity}`),
  });

  // Open a job from the history or a notification (once per job: untilChecked and t only help).
  // biome-ignore lint/correctness/useExhaustiveDependencies: run once per job
  useEffect(() => {
    if (!initialJobId) return;
    api<ImportJob>('GET', `/api/imports/${initialJobId}`)
      .then(async (j) => {
        const ready = j.status === 'validating' ? await untilChecked(j) : j;
        if (ready.status === 'invalid') {
          setError(ready.report.errorMessage ?? t('ops.import.jobStatus.invalid'));
          return;
        }
        setJob(ready);
        setHeaders(ready.headers);
        setMapping(ready.mapping);
        setStep(ready.status === 'validated' ? 2 : 3);
      })
      .catch((err) => setError((err as Error).message));
  }, [initialJobId]);

  // Poll while the commit runs in the server.
  const polling = job?.status === 'running';
  useEffect(() => {
    if (!polling || !job) return;
    const id = setInterval(async () => {
      try {
        const fresh = await api<ImportJob>('GET', `/api/imports/${job.id}`);
        setJob(fresh);
        if (fresh.status !== 'running') {
          onChanged?.();
          queryClient.invalidateQueries({ queryKey: ['list', entity] });
        }
      } catch (err) {
        setError((err as Error).message);
      }
    }, 700);
    return () => clearInterval(id);
  }, [polling, job, entity, onChanged, queryClient]);

  /** Follows a job the server is still reading until it is checked (or found unreadable). */
  const untilChecked = async (first: ImportJob): Promise<ImportJob> => {
    let j = first;
    setChecking(j);
    try {
      while (j.status === 'validating') {
        await new Promise((r) => setTimeout(r, 500));
        j = await api<ImportJob>('GET', `/api/imports/${j.id}`);
        setChecking(j);
      }
      return j;
    } finally {
      setChecking(null);
    }
  };

  const upload = async (withMapping?: Record<string, string | null>) => {
    if (!file) {
      setError(t('ops.import.chooseFile'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // The file goes as it is (no base64), streamed by the server; the answer comes once its
      // header is read, and the rows are checked after while the progress is polled.
      const query = new URLSearchParams({ entity, fileName: file.name, wait: 'false' });
      if (encoding) query.set('encoding', encoding);
      if (withMapping) query.set('mapping', JSON.stringify(withMapping));
      else if (savedMappingId) query.set('mappingId', savedMappingId);
      const type = /\.xlsx$/i.test(file.name) ? XLSX_TYPE : 'text/csv';
      setSent({ loaded: 0, total: file.size });
      const started = await uploadFile<ImportJob>(`/api/imports?${query}`, file, type, (loaded, total) =>
        setSent({ loaded, total }),
      );
      setSent(null);
      onChanged?.();
      const j = await untilChecked(started);
      onChanged?.();
      if (j.status === 'invalid') {
        setError(j.report.errorMessage ?? t('ops.import.jobStatus.invalid'));
        return;
      }
      setJob(j);
      setHeaders(j.headers);
      setMapping(j.mapping);
      setStep(1);
      onChanged?.();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'IMPORT_COLUMNS_MISSING') {
        const d = err.details as { headers: string[]; mapping: Record<string, string | null> } | undefined;
        if (d) {
          setHeaders(d.headers);
          setMapping(d.mapping);
          setJob(null);
          setStep(1);
        }
      }
      setError((err as Error).message);
    } finally {
      setSent(null);
      setBusy(false);
    }
  };

  const saveMapping = async () => {
    const name = saveName.trim();
    if (!name) return;
    setSaving(true);
    try {
      await api('POST', '/api/import-mappings', { entity, name, mapping });
      message.success(t('ops.import.mappingSaved', { name }));
      setSaveName('');
      await mappings.refetch();
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const commit = async () => {
    if (!job) return;
    setBusy(true);
    setError(null);
    try {
      const j = await api<ImportJob>('POST', `/api/imports/${job.id}/commit?wait=false`);
      setJob(j);
      setStep(3);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const undo = () => {
    if (!job) return;
    modal.confirm({
      title: t('ops.import.undoTitle'),
      content: t('ops.import.undoBody', { count: job.counts.created }),
      okText: t('ops.import.undo'),
      okButtonProps: { danger: true, 'data-testid': 'undo-confirm' } as never,
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api('POST', `/api/imports/${job.id}/undo`);
          const fresh = await api<ImportJob>('GET', `/api/imports/${job.id}`);
          setJob(fresh);
          message.success(t('ops.import.undone', { count: fresh.report.undo?.undone ?? 0 }));
          onChanged?.();
          queryClient.invalidateQueries({ queryKey: ['list', entity] });
        } catch (err) {
          message.error((err as Error).message);
        }
      },
    });
  };

  const restart = () => {
    setJob(null);
    setFile(null);
    setHeaders([]);
    setMapping({});
    setError(null);
    setStep(0);
  };

  const rejectedDownload = (format: 'csv' | 'xlsx') =>
    job &&
    downloadFile(`/api/imports/${job.id}/rejected.${format}`, `rejected.${format}`).catch((err) =>
      message.error((err as Error).message),
    );

  const rowColumns = (fields: string[]) => [
    { title: t('ops.import.rowNo'), dataIndex: 'rowNo', width: 70 },
    {
      title: t('ops.import.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: string) => (
        <Tag color={STATUS_COLOR[s]}>{t(`ops.import.rowStatus.${s}`, { defaultValue: s })}</Tag>
      ),
    },
    ...fields.map((f) => ({
      title: fieldLabel(f),
      key: f,
      render: (_: unknown, r: RowView) => {
        const v = r.input?.[f];
        const bad = r.errors.some((e) => e.field === f);
        const prefix = ENUM_PREFIX[entity === 'leads' && f === 'status' ? 'leadStatus' : f];
        const shown = v === null || v === undefined ? '' : String(v);
        return (
          <Typography.Text type={bad ? 'danger' : undefined}>
            {prefix && shown ? t(`${prefix}.${shown}`, { defaultValue: shown }) : shown}
          </Typography.Text>
        );
      },
    })),
    {
      title: t('ops.import.errors'),
      key: 'errors',
      render: (_: unknown, r: RowView) =>
        r.errors.length ? (
          <Space orientation="vertical" size={0}>
            {r.errors.map((e) => (
              <Typography.Text type="danger" key={`${e.field}:${e.code}`}>
                {e.message}
              </Typography.Text>
            ))}
          </Space>
        ) : null,
    },
  ];
  const mappedFields = [...new Set(Object.values(mapping).filter((f): f is string => !!f))];
  const percent = job?.progress.total ? Math.round((job.progress.done / job.progress.total) * 100) : 0;

  return (
    <Card data-testid="import-wizard">
      <Steps
        size="small"
        current={step}
        responsive
        style={{ marginBottom: 16 }}
        items={[
          { title: t('ops.import.stepFile') },
          { title: t('ops.import.stepMapping') },
          { title: t('ops.import.stepReport') },
          { title: t('ops.import.stepCommit') },
        ]}
      />
      {error && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title={error} data-testid="import-error" />
      )}

      {step === 0 && (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Space wrap>
            <Select
              value={entity}
              style={{ width: 160 }}
              onChange={(v) => {
                setEntity(v);
                setSavedMappingId(undefined);
              }}
              options={IMPORT_ENTITY_PATHS.map((e) => ({ value: e, label: t(`ops.import.entities.${e}`) }))}
              data-testid="import-entity"
            />
            <Select
              allowClear
              style={{ width: 180 }}
              placeholder={t('ops.import.encodingAuto')}
              value={encoding}
              onChange={setEncoding}
              options={ENCODINGS.map((e) => ({ value: e, label: e.toUpperCase() }))}
            />
            <Select
              allowClear
              style={{ width: 200 }}
              placeholder={t('ops.import.savedMapping')}
              value={savedMappingId}
              onChange={setSavedMappingId}
              options={(mappings.data?.items ?? []).map((m) => ({ value: m.id, label: m.name }))}
              data-testid="import-saved-mapping"
            />
          </Space>
          <Upload.Dragger
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            maxCount={1}
            beforeUpload={(f) => {
              setFile(f);
              setError(null);
              return false;
            }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: 'file', name: file.name, status: 'done' }] : []}
            data-testid="import-file"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('ops.import.drop')}</p>
            <p className="ant-upload-hint">{t('ops.import.hint')}</p>
          </Upload.Dragger>
          <Button
            type="primary"
            loading={busy}
            disabled={!file}
            onClick={() => upload()}
            data-testid="import-upload"
          >
            {t('ops.import.check')}
          </Button>
          {sent && (
            <div data-testid="import-upload-progress">
              <Progress
                percent={sent.total ? Math.floor((sent.loaded / sent.total) * 100) : 0}
                status="active"
              />
              <Typography.Text type="secondary">
                {t('ops.import.uploading', { done: fmtBytes(sent.loaded), total: fmtBytes(sent.total) })}
              </Typography.Text>
            </div>
          )}
          {checking && (
            <div data-testid="import-validate-progress" data-rows={checking.validation?.rows ?? 0}>
              <Progress
                percent={
                  checking.validation?.totalBytes
                    ? Math.min(
                        99,
                        Math.floor((checking.validation.bytes / checking.validation.totalBytes) * 100),
                      )
                    : 0
                }
                status="active"
              />
              <Typography.Text type="secondary">
                {t('ops.import.validating', {
                  bytes: fmtBytes(checking.validation?.bytes ?? 0),
                  total: fmtBytes(checking.validation?.totalBytes ?? 0),
                  rows: checking.validation?.rows ?? 0,
                })}
              </Typography.Text>
            </div>
          )}
        </Space>
      )}

      {step === 1 && (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          {job && (
            <Descriptions size="small" column={{ xs: 1, sm: 3 }} bordered>
              <Descriptions.Item label={t('ops.import.file')}>{job.fileName}</Descriptions.Item>
              <Descriptions.Item label={t('ops.import.format')}>{job.format.toUpperCase()}</Descriptions.Item>
              <Descriptions.Item label={t('ops.import.encoding')}>
                <span data-testid="import-encoding">{job.encoding ? job.encoding.toUpperCase() : '—'}</span>
              </Descriptions.Item>
            </Descriptions>
          )}
          <Typography.Text type="secondary">{t('ops.import.mappingHint')}</Typography.Text>
          <Table
            size="small"
            rowKey={(h) => h}
            pagination={false}
            dataSource={headers}
            scroll={{ x: true }}
            data-testid="import-mapping"
            columns={[
              { title: t('ops.import.column'), key: 'h', render: (_: unknown, h: string) => h },
              {
                title: t('ops.import.field'),
                key: 'f',
                render: (_: unknown, h: string) => (
                  <Select
                    allowClear
                    style={{ width: 200, maxWidth: '100%' }}
                    placeholder={t('ops.import.ignore')}
                    value={mapping[h] ?? undefined}
                    onChange={(v?: string) => setMapping((m) => ({ ...m, [h]: v ?? null }))}
                    options={IMPORT_FIELDS[entity].map((f) => ({ value: f, label: fieldLabel(f) }))}
                  />
                ),
              },
            ]}
          />
          <Space wrap>
            <Input
              placeholder={t('ops.import.mappingName')}
              value={saveName}
              maxLength={100}
              onChange={(e) => setSaveName(e.target.value)}
              style={{ width: 200 }}
              data-testid="mapping-name"
            />
            <Button
              onClick={saveMapping}
              loading={saving}
              disabled={!saveName.trim()}
              data-testid="mapping-save"
            >
              {t('ops.import.saveMapping')}
            </Button>
          </Space>
          <Space wrap>
            <Button onClick={restart}>{t('ops.common.back')}</Button>
            <Button onClick={() => upload(mapping)} loading={busy} data-testid="import-recheck">
              {t('ops.import.recheck')}
            </Button>
            <Button type="primary" disabled={!job} onClick={() => setStep(2)} data-testid="import-next">
              {t('ops.import.toReport')}
            </Button>
          </Space>
        </Space>
      )}

      {step === 2 && job && (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Row gutter={[16, 16]} data-testid="import-counts">
            {(['total', 'valid', 'rejected', 'skipped'] as const).map((k) => (
              <Col xs={12} sm={6} key={k}>
                <Statistic
                  title={t(`ops.import.count.${k}`)}
                  value={job.counts[k]}
                  data-testid={`count-${k}`}
                />
              </Col>
            ))}
          </Row>
          {Object.keys(job.report.issuesByField).length > 0 && (
            <Space wrap>
              <Typography.Text>{t('ops.import.issuesByField')}</Typography.Text>
              {Object.entries(job.report.issuesByField).map(([f, n]) => (
                <Tag color="red" key={f}>
                  {fieldLabel(f)} × {n}
                </Tag>
              ))}
            </Space>
          )}
          {job.report.unknownHeaders.length > 0 && (
            <Alert
              type="info"
              showIcon
              title={t('ops.import.unknown', { list: job.report.unknownHeaders.join('、') })}
            />
          )}
          {job.report.emptyLines > 0 && (
            <Alert
              type="info"
              showIcon
              title={t('ops.import.emptyLines', { count: job.report.emptyLines })}
            />
          )}
          {job.report.fuzzyDuplicateCheck === 'skipped_too_large' && (
            <Alert
              type="warning"
              showIcon
              title={t('ops.import.fuzzySkipped')}
              description={job.report.fuzzyDuplicateMessage ?? undefined}
              data-testid="import-fuzzy-skipped"
            />
          )}
          {job.report.possibleDuplicates.length > 0 && (
            <Alert
              type="warning"
              showIcon
              title={
                job.report.possibleDuplicatesTotal
                  ? `${t('ops.import.fuzzy')} · ${t('ops.import.possibleMore', {
                      count: job.report.possibleDuplicatesTotal - job.report.possibleDuplicates.length,
                    })}`
                  : t('ops.import.fuzzy')
              }
              description={job.report.possibleDuplicates
                .map((d) =>
                  d.otherRowNo
                    ? t('ops.import.fuzzyRow', { row: d.rowNo, other: d.otherRowNo })
                    : t('ops.import.fuzzyExisting', { row: d.rowNo }),
                )
                .join('；')}
            />
          )}
          {(job.rejected ?? []).length > 0 && (
            <>
              <Typography.Title level={5}>{t('ops.import.rejectedRows')}</Typography.Title>
              <Table
                size="small"
                rowKey="rowNo"
                pagination={false}
                scroll={{ x: true }}
                dataSource={job.rejected}
                columns={rowColumns(mappedFields)}
                data-testid="import-rejected"
              />
            </>
          )}
          <Typography.Title level={5}>{t('ops.import.preview')}</Typography.Title>
          <Table
            size="small"
            rowKey="rowNo"
            pagination={false}
            scroll={{ x: true }}
            dataSource={job.preview ?? []}
            columns={rowColumns(mappedFields)}
            data-testid="import-preview"
          />
          <Space wrap>
            <Button onClick={() => setStep(1)}>{t('ops.common.back')}</Button>
            <Button
              type="primary"
              loading={busy}
              disabled={job.counts.valid === 0 || job.status !== 'validated'}
              onClick={commit}
              data-testid="import-commit"
            >
              {t('ops.import.commit', { count: job.counts.valid })}
            </Button>
          </Space>
        </Space>
      )}

      {step === 3 && job && (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Progress
            percent={job.status === 'committed' || job.status === 'undone' ? 100 : percent}
            status={job.status === 'failed' ? 'exception' : job.status === 'running' ? 'active' : 'success'}
            data-testid="import-progress"
          />
          <Typography.Text data-testid="import-status" data-status={job.status}>
            {t(`ops.import.jobStatus.${job.status}`)} · {job.progress.done}/{job.progress.total}
          </Typography.Text>
          {job.status !== 'running' && (
            <Result
              status={job.status === 'failed' ? 'error' : job.status === 'undone' ? 'info' : 'success'}
              title={
                job.status === 'undone'
                  ? t('ops.import.undone', { count: job.report.undo?.undone ?? 0 })
                  : t('ops.import.result', { created: job.counts.created, rejected: job.counts.rejected })
              }
              subTitle={
                job.report.undo?.changed.length
                  ? t('ops.import.undoKept', { count: job.report.undo.changed.length })
                  : (job.report.errorMessage ?? undefined)
              }
              extra={
                <Space wrap style={{ justifyContent: 'center' }}>
                  {job.counts.rejected > 0 && (
                    <>
                      <Button onClick={() => rejectedDownload('csv')} data-testid="rejected-csv">
                        {t('ops.import.rejectedCsv')}
                      </Button>
                      <Button onClick={() => rejectedDownload('xlsx')}>{t('ops.import.rejectedXlsx')}</Button>
                    </>
                  )}
                  {job.status === 'failed' && (
                    <Button type="primary" onClick={commit}>
                      {t('ops.import.resume')}
                    </Button>
                  )}
                  {job.status === 'committed' && (
                    <Button danger onClick={undo} data-testid="import-undo">
                      {t('ops.import.undo')}
                    </Button>
                  )}
                  <Button onClick={restart}>{t('ops.import.another')}</Button>
                </Space>
              }
            />
          )}
        </Space>
      )}
    </Card>
  );
}
