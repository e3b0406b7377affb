import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Dropdown, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { downloadFile } from '../downloadFile';

/**
 * Import and export buttons for a record list: export the list as XLSX/CSV with the list's
 * current search, sort and filters (the server applies the caller's visibility), or open the
 * import wizard for this kind of record.
 */
export function ListTools({
  entity,
  q,
  sort,
  pool,
  filters = {},
  canImport = true,
}: {
  entity: 'leads' | 'accounts' | 'contacts' | 'deals';
  q?: string;
  sort?: string;
  pool?: 'only' | 'exclude';
  filters?: Record<string, string[]>;
  canImport?: boolean;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const exportAs = async (format: 'xlsx' | 'csv') => {
    const params = new URLSearchParams({ format });
    if (q) params.set('q', q);
    if (sort) params.set('sort', sort);
    if (pool) params.set('pool', pool);
    for (const [k, v] of Object.entries(filters)) if (v.length) params.set(k, v.join(','));
    setBusy(true);
    try {
      await downloadFile(`/api/${entity}/export?${params}`, `${entity}.${format}`);
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space wrap size={4}>
      <Dropdown
        menu={{
          items: [
            { key: 'xlsx', label: t('ops.export.xlsx') },
            { key: 'csv', label: t('ops.export.csv') },
          ],
          onClick: ({ key }) => exportAs(key as 'xlsx' | 'csv'),
        }}
      >
        <Button icon={<DownloadOutlined />} loading={busy} data-testid="export">
          {t('ops.export.button')}
        </Button>
      </Dropdown>
      {canImport && (
        <Button
          icon={<UploadOutlined />}
          onClick={() => navigate(`/import?entity=${entity}`)}
          data-testid="import"
        >
          {t('ops.import.button')}
        </Button>
      )}
    </Space>
  );
}
