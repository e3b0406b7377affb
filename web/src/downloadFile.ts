import i18n from 'i18next';
import { ApiError } from './api/client';

/** Fetches a file the server answers (export, rejected rows) and saves it under its own name. */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(path, {
    credentials: 'same-origin',
    headers: { 'Accept-Language': i18n.language ?? 'zh-CN' },
  });
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    throw new ApiError(res.status, data.code ?? 'INTERNAL', data.message ?? res.statusText, data.field);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  const name = star ? decodeURIComponent(star[1]!) : (plain?.[1] ?? fallbackName);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
