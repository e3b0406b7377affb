// The one way the web app talks to the server: JSON, the session cookie, the CSRF token on
// writes, the UI language for error messages, and typed errors.
export interface ApiIssue {
  field: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues: ApiIssue[] = [],
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let language = 'zh-CN';

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setApiLanguage(lang: string): void {
  language = lang;
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  opts: { ifMatch?: number } = {},
): Promise<T> {
  const headers: Record<string, string> = { 'Accept-Language': language };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.ifMatch !== undefined) headers['If-Match'] = `"v${opts.ifMatch}"`;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new ApiError(
      res.status,
      data.code ?? 'INTERNAL',
      data.message ?? res.statusText,
      data.field,
      data.issues,
      data.details,
    );
  }
  return data as T;
}

/**
 * Uploads a file as the raw request body with XMLHttpRequest, whose upload progress fetch does
 * not report; answered and refused like `api`.
 */
export function uploadFile<T>(
  path: string,
  file: Blob,
  contentType: string,
  onProgress?: (loaded: number, total: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept-Language', language);
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let data: Record<string, unknown> = {};
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the status says what happened
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as T);
      else
        reject(
          new ApiError(
            xhr.status,
            String(data.code ?? 'INTERNAL'),
            String(data.message ?? xhr.statusText),
            data.field as string | undefined,
            (data.issues as ApiIssue[] | undefined) ?? [],
            data.details,
          ),
        );
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', xhr.statusText || 'Network error'));
    xhr.send(file);
  });
}
