import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App as AntApp, Button, Dropdown, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import type { Contract } from '../../api/types';
import { downloadFile } from '../../downloadFile';

interface PriceList {
  id: string;
  name: string;
  channel: string | null;
  currency: string;
  status: string;
}

/** 报价单 PDF in Chinese or English, as the server renders it (no cost or margin printed). */
export function QuotePdfButton({ quoteId, number }: { quoteId: string; number: string }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const download = async (lang: 'zh-CN' | 'en-US') => {
    setBusy(true);
    try {
      await downloadFile(`/api/quotes/${quoteId}/pdf?lang=${lang}`, `${number}.pdf`);
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dropdown
      menu={{
        items: [
          { key: 'zh-CN', label: <span data-testid="quote-pdf-zh">{t('q2c.quote.pdfZh')}</span> },
          { key: 'en-US', label: <span data-testid="quote-pdf-en">{t('q2c.quote.pdfEn')}</span> },
        ],
        onClick: ({ key }) => download(key as 'zh-CN' | 'en-US'),
      }}
    >
      <Button icon={<DownloadOutlined />} loading={busy} data-testid="quote-pdf">
        {t('q2c.quote.pdf')}
      </Button>
    </Dropdown>
  );
}

/** On an accepted quote: open its contract, or start one from it. */
export function QuoteContractButton({ quoteId }: { quoteId: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const existing = useQuery({
    queryKey: ['contracts', 'by-quote', quoteId],
    queryFn: () => api<{ items: Contract[] }>('GET', `/api/contracts?quoteId=${quoteId}&limit=1`),
  });
  const contract = existing.data?.items[0];
  return contract ? (
    <Button onClick={() => navigate(`/contracts/${contract.id}`)} data-testid="quote-open-contract">
      {t('q2c.quote.openContract')}
    </Button>
  ) : (
    <Button
      type="primary"
      loading={existing.isLoading}
      onClick={() => navigate(`/contracts/new?quoteId=${quoteId}`)}
      data-testid="quote-create-contract"
    >
      {t('q2c.quote.createContract')}
    </Button>
  );
}

/** The active price lists per channel (价格表); none chosen means the catalogue's list prices. */
export function usePriceLists() {
  return useQuery({
    queryKey: ['price-lists'],
    staleTime: 5 * 60_000,
    queryFn: () => api<{ items: PriceList[] }>('GET', '/api/price-lists'),
    select: (d) => d.items.filter((p) => p.status === 'active'),
  });
}

export function PriceListPicker({
  value,
  onChange,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
}) {
  const { t } = useTranslation();
  const lists = usePriceLists();
  return (
    <Select
      allowClear
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      placeholder={t('q2c.quote.noPriceList')}
      loading={lists.isLoading}
      options={(lists.data ?? []).map((p) => ({
        value: p.id,
        label: `${p.name}${p.channel ? ` · ${t(`q2c.quote.channels.${p.channel}`)}` : ''} · ${p.currency}`,
      }))}
      style={{ width: 260, maxWidth: '100%' }}
      data-testid="quote-price-list"
    />
  );
}
